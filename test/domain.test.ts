import { describe, expect, it } from 'vitest';
import { toAudienceAges, toAudienceInterests } from '../src/domain/audience.js';
import { toCategoryInsight } from '../src/domain/category-insight.js';
import { categoryPath } from '../src/domain/ecom-category.js';
import { insightKeyId, parseInsightKeyId, toInsightKey } from '../src/domain/insight-key.js';
import { paginatePosts, postCursor, toPost } from '../src/domain/post.js';
import { parseRegion } from '../src/domain/region.js';
import { newestAvailableMonth, parseTimeScope } from '../src/domain/time-scope.js';
import { insightInfoSchema } from '../src/upstream/endpoints/insight-detail.js';

const NOW = new Date('2025-12-15T12:00:00Z');

describe('region', () => {
  it.each([
    ['us', 'US'],
    [' gb ', 'GB'],
    ['ALL_REGIONS', 'all_regions'],
    ['all_regions', 'all_regions'],
  ])('normalizes %j to %j', (input, expected) => {
    expect(parseRegion(input)).toBe(expected);
  });

  it.each(['usa', 'u', '', 'all', 'U1', null, 12])('refuses %j', (input) => {
    expect(() => parseRegion(input)).toThrow(/two-letter country code/);
  });
});

describe('time scope', () => {
  it.each([
    [1, '1'],
    ['7', '7'],
    [30, '30'],
    ['2025-09', '2025-09'],
  ])('accepts %j as %j', (input, expected) => {
    expect(parseTimeScope(input)).toBe(expected);
  });

  it.each([0, 14, 7.5, '2025-9', '2025-00', '2025-13', 'last week', null])('refuses %j', (input) => {
    expect(() => parseTimeScope(input)).toThrow(/1, 7, 30 or a month/);
  });

  it.each([
    ['2025-12-15T12:00:00Z', '2025-09'],
    ['2026-01-01T00:00:00Z', '2025-10'],
    ['2026-03-31T23:59:59Z', '2025-12'],
    ['2025-02-10T00:00:00Z', '2024-11'],
  ])('at %s the newest available month is %s', (now, month) => {
    expect(newestAvailableMonth(new Date(now))).toBe(month);
  });
});

describe('insight key', () => {
  it('collapses every spelling of one question into one key', () => {
    const spellings = [
      { id: '601583', region: 'US', timeScope: '7' },
      { id: '0601583', region: 'us', timeScope: 7 },
      { id: ' 601583 ', region: 'Us', timeScope: ' 7 ' },
    ].map((args) => insightKeyId(toInsightKey(args, NOW)));

    expect(new Set(spellings)).toEqual(new Set(['601583:US:7']));
  });

  it('round-trips through its ID', () => {
    const key = toInsightKey({ id: '601583', region: 'GB', timeScope: '2025-09' }, NOW);

    expect(parseInsightKeyId(insightKeyId(key), NOW)).toEqual(key);
    expect(() => parseInsightKeyId('601583:GB', NOW)).toThrow(/not a CategoryInsight ID/);
  });
});

describe('audience', () => {
  it('sorts ages youngest first and labels each bracket', () => {
    const ages = toAudienceAges([
      { age_level: 25, score: 38 },
      { age_level: 18, score: 29 },
      { age_level: 55, score: 6 },
      { age_level: 35, score: 19 },
      { age_level: 45, score: 8 },
    ]);

    expect(ages).toEqual([
      { ageLevel: 18, ageRange: '18-24', score: 29 },
      { ageLevel: 25, ageRange: '25-34', score: 38 },
      { ageLevel: 35, ageRange: '35-44', score: 19 },
      { ageLevel: 45, ageRange: '45-54', score: 8 },
      { ageLevel: 55, ageRange: '55+', score: 6 },
    ]);
  });

  it('keeps brackets stable when one is missing', () => {
    const ages = toAudienceAges([
      { age_level: 18, score: 60 },
      { age_level: 45, score: 40 },
    ]);

    expect(ages.map((age) => age.ageRange)).toEqual(['18-24', '45-54']);
  });

  it('reads whatever interest shapes arrive and skips the unreadable', () => {
    expect(
      toAudienceInterests([
        'Beauty',
        { name: 'Fashion', score: 0.3 },
        { interest_name: 'Food', weight: 12 },
        { label: 'Travel' },
        { score: 1 },
        42,
        null,
        '',
      ]),
    ).toEqual([
      { name: 'Beauty', score: null },
      { name: 'Fashion', score: 0.3 },
      { name: 'Food', score: 12 },
      { name: 'Travel', score: null },
    ]);
  });
});

describe('post', () => {
  it('reads the creation time from the ID', () => {
    const post = toPost('7489287341782207752');

    // 7489287341782207752 >> 32 = 1743735592 Unix seconds
    expect(post.createdAt.toISOString()).toBe('2025-04-04T02:59:52.000Z');
    expect(post.url).toBe('https://www.tiktok.com/@/video/7489287341782207752');
  });

  const ids = ['7489287341782207752', '7322538146644757803', '7437358276766878984', '7493243405720440065'];

  it('pages forward with cursors and reports what is left', () => {
    const first = paginatePosts(ids, { first: 2 });
    const second = paginatePosts(ids, { first: 2, after: first.pageInfo.endCursor });
    const rest = paginatePosts(ids, { after: second.edges[0]?.cursor });

    expect(first.edges.map((edge) => edge.node.id)).toEqual(ids.slice(0, 2));
    expect(first.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: postCursor(ids[0] as string),
      endCursor: postCursor(ids[1] as string),
    });
    expect(second.edges.map((edge) => edge.node.id)).toEqual(ids.slice(2, 4));
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(rest.edges.map((edge) => edge.node.id)).toEqual(ids.slice(3));
    expect(first.totalCount).toBe(4);
  });

  it('returns an empty page for first: 0 and past the end', () => {
    const empty = paginatePosts(ids, { first: 0 });
    const pastEnd = paginatePosts(ids, { after: postCursor(ids[3] as string) });

    expect(empty.edges).toEqual([]);
    expect(empty.pageInfo).toMatchObject({ hasNextPage: true, startCursor: null, endCursor: null });
    expect(pastEnd.edges).toEqual([]);
    expect(pastEnd.pageInfo.hasNextPage).toBe(false);
  });
});

describe('category insight', () => {
  it('builds the category chain with parents, level 1 first', () => {
    const info = insightInfoSchema.parse({
      first_ecom_category: { id: '601450', label: 'category_601450', value: 'Beauty & Personal Care' },
      second_ecom_category: {
        id: '848648',
        label: 'category_848648',
        parent_id: '601450',
        value: 'Makeup & Perfume',
      },
      third_ecom_category: { id: '601583', label: 'category_601583', parent_id: '848648', value: 'Perfume' },
    });
    const insight = toCategoryInsight({ categoryId: '601583', region: 'US', timeScope: '7' }, info, NOW);
    const perfume = insight.categoryPath.at(-1);

    expect(insight.id).toBe('601583:US:7');
    expect(insight.categoryPath.map((category) => [category.id, category.level])).toEqual([
      ['601450', 1],
      ['848648', 2],
      ['601583', 3],
    ]);
    expect(perfume?.parent?.name).toBe('Makeup & Perfume');
    expect(perfume?.parent?.parent?.parent).toBeNull();
    expect(perfume && categoryPath(perfume).map((category) => category.name)).toEqual([
      'Beauty & Personal Care',
      'Makeup & Perfume',
      'Perfume',
    ]);
  });

  it('links a third level straight to the first when the second is missing', () => {
    const info = insightInfoSchema.parse({
      first_ecom_category: { id: '601450', value: 'Beauty & Personal Care' },
      third_ecom_category: { id: '601583', value: 'Perfume' },
    });
    const [first, third] = toCategoryInsight(
      { categoryId: '601583', region: 'US', timeScope: '1' },
      info,
      NOW,
    ).categoryPath;

    expect(third).toMatchObject({ level: 3, label: null, parent: { id: '601450' } });
    expect(first?.level).toBe(1);
  });
});
