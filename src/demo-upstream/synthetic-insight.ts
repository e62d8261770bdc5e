import { CATALOG, type CatalogCategory } from './catalog.js';

const GENERAL_HASHTAGS = [
  'fyp',
  'tiktokmademebuyit',
  'vlog',
  'manga',
  'สตอรี่ความรู้สึก',
  'الامارات',
  'viral',
  'haul',
];
const INTERESTS = [
  'Beauty',
  'Fashion',
  'Food & Drink',
  'Technology',
  'Fitness',
  'Home & Garden',
  'Travel',
  'Gaming',
];
const AGE_LEVELS = [18, 25, 35, 45, 55];
const DAY = 86_400;

/** mulberry32: a tiny seeded PRNG, so the same question always gets the same answer. */
function random(seedText: string): () => number {
  let seed = 2166136261;
  for (const char of seedText) seed = Math.imul(seed ^ char.charCodeAt(0), 16777619);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length)
    picked.push(pool.splice(Math.floor(rand() * pool.length), 1)[0] as T);
  return picked;
}

function wireCategory(category: CatalogCategory) {
  return {
    id: category.id,
    label: `category_${category.id}`,
    ...(category.parentId ? { parent_id: category.parentId } : {}),
    value: category.name,
  };
}

/** Posts created inside the scope's window: the past N days, or the month asked for. */
function postWindow(timeScope: string, now: Date): [from: number, to: number] {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (!timeScope.includes('-')) return [nowSeconds - Number(timeScope) * DAY, nowSeconds];
  const [year, month] = timeScope.split('-').map(Number) as [number, number];
  return [Date.UTC(year, month - 1, 1) / 1000, Date.UTC(year, month, 1) / 1000 - 1];
}

/** The `data.info` KeyAPI would send for a third-level category, in its wire shape. */
export function syntheticInsight(category: CatalogCategory, region: string, timeScope: string, now: Date) {
  const rand = random(`${category.id}|${region}|${timeScope}`);
  const l2 = CATALOG.get(category.parentId ?? '');
  const l1 = CATALOG.get(l2?.parentId ?? '');

  const weights = AGE_LEVELS.map(() => 0.2 + rand());
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const scores = weights.map((weight) => Math.round((weight / total) * 100));
  scores[0] = (scores[0] ?? 0) + 100 - scores.reduce((sum, score) => sum + score, 0);
  const ages = AGE_LEVELS.map((age_level, index) => ({ age_level, score: scores[index] ?? 0 }));

  const [from, to] = postWindow(timeScope, now);
  const posts = Array.from({ length: 50 }, () => {
    const seconds = BigInt(Math.floor(from + rand() * (to - from)));
    return ((seconds << 32n) | BigInt(Math.floor(rand() * 2 ** 32))).toString();
  });

  // KeyAPI leaves this shape undocumented and its example empty: vary it so readers stay lenient.
  const interests =
    rand() < 0.5
      ? []
      : pick(rand, INTERESTS, 3).map((name) => ({ name, score: Math.round(rand() * 100) / 100 }));

  return {
    audience_ages: pick(rand, ages, ages.length),
    audience_interests: interests,
    cover_url: rand() < 0.3 ? null : `https://picsum.photos/seed/${category.id}/400/400`,
    ecom_type: 'l3',
    ...(l1 ? { first_ecom_category: wireCategory(l1) } : {}),
    hashtags: [...pick(rand, category.hashtags ?? [], 3), ...pick(rand, GENERAL_HASHTAGS, 3)],
    posts,
    ...(l2 ? { second_ecom_category: wireCategory(l2) } : {}),
    third_ecom_category: wireCategory(category),
    url_title: category.name,
  };
}
