/** One age bracket of a category's audience, scores in percent. */
export interface AudienceAge {
  readonly ageLevel: number;
  readonly ageRange: string;
  readonly score: number;
}

/** An interest of the audience; KeyAPI does not document this shape, so it is read leniently. */
export interface AudienceInterest {
  readonly name: string;
  readonly score: number | null;
}

/** TikTok's age brackets, by their lower bounds. */
const KNOWN_AGE_LEVELS = [18, 25, 35, 45, 55];

/**
 * Sorted youngest first, each labelled with its bracket (18 → "18-24", the last → "55+").
 * Brackets come from the known list too, so an answer missing one does not stretch its neighbour.
 */
export function toAudienceAges(raw: ReadonlyArray<{ age_level: number; score: number }>): AudienceAge[] {
  const levels = [...new Set([...KNOWN_AGE_LEVELS, ...raw.map((age) => age.age_level)])].sort(
    (a, b) => a - b,
  );
  return [...raw]
    .sort((a, b) => a.age_level - b.age_level)
    .map((age) => {
      const next = levels[levels.indexOf(age.age_level) + 1];
      return {
        ageLevel: age.age_level,
        ageRange: next === undefined ? `${age.age_level}+` : `${age.age_level}-${next - 1}`,
        score: Math.round(age.score),
      };
    });
}

const NAME_FIELDS = ['name', 'value', 'label', 'interest_name', 'interest', 'title'];
const SCORE_FIELDS = ['score', 'weight', 'ratio', 'percentage', 'value'];

/**
 * Whatever arrives: a plain string, or an object with a name-like and a score-like field.
 * Anything else is dropped rather than failing the query.
 */
export function toAudienceInterests(raw: readonly unknown[]): AudienceInterest[] {
  const interests: AudienceInterest[] = [];
  for (const item of raw) {
    if (typeof item === 'string' && item.trim()) {
      interests.push({ name: item, score: null });
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    const record = item as Record<string, unknown>;
    const name = NAME_FIELDS.map((field) => record[field]).find(
      (value): value is string => typeof value === 'string' && value.trim() !== '',
    );
    if (name === undefined) continue;
    const score = SCORE_FIELDS.map((field) => record[field]).find(
      (value): value is number => typeof value === 'number' && Number.isFinite(value),
    );
    interests.push({ name, score: score ?? null });
  }
  return interests;
}
