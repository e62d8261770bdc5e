import { describe, expect, it } from 'vitest';
import { THIRD_LEVEL_IDS } from '../src/demo-upstream/catalog.js';
import { CategoryInsightsDocument, SameKeyManyWaysDocument } from './gql/graphql.js';
import { useTestGateway } from './helpers/test-gateway.js';

describe('category insight loader', () => {
  // Latency keeps every call of a batch in flight at once, so the stand-in can count overlap.
  const harness = useTestGateway({ upstream: { latencyMs: 80 }, env: { KEYAPI_MAX_CONCURRENCY: '10' } });

  it('sends one upstream call for three aliases, a case variant and a nested insight of one key', async () => {
    const result = await harness.execute(SameKeyManyWaysDocument);

    expect(result.errors).toBeUndefined();
    expect(result.data?.first?.id).toBe('601583:US:7');
    expect(result.data?.second?.id).toBe('601583:US:7');
    expect(result.data?.third).toEqual({ id: '601583:US:7', title: 'Perfume' });
    expect(result.data?.nested?.category?.insight).toEqual({ id: '601583:US:7', title: 'Perfume' });
    expect(harness.upstream.calls).toEqual([
      expect.objectContaining({ id: '601583', region: 'US', timeScope: '7' }),
    ]);
  });

  it('sends N distinct keys as N concurrent upstream calls', async () => {
    const ids = THIRD_LEVEL_IDS.slice(0, 8);
    const result = await harness.execute(CategoryInsightsDocument, { ids, region: 'GB', timeScope: '30' });

    expect(result.errors).toBeUndefined();
    expect(result.data?.categoryInsights.map((insight) => insight?.categoryId)).toEqual(ids);
    expect(harness.upstream.calls.map((call) => call.id).sort()).toEqual([...ids].sort());
    expect(harness.upstream.maxInFlight).toBe(8);
  });

  it('pays once for an ID repeated in a list, in any spelling', async () => {
    const result = await harness.execute(CategoryInsightsDocument, {
      ids: ['601583', '0601583', '601584', '601583'],
    });

    expect(result.data?.categoryInsights.map((insight) => insight?.id)).toEqual([
      '601583:all_regions:1',
      '601583:all_regions:1',
      '601584:all_regions:1',
      '601583:all_regions:1',
    ]);
    expect(harness.upstream.calls).toHaveLength(2);
  });

  it('keeps two regions and two scopes of one category as separate keys', async () => {
    const result = await harness.executeText(`{
      a: categoryInsight(id: "601583", region: "US", timeScope: 7) { id }
      b: categoryInsight(id: "601583", region: "GB", timeScope: 7) { id }
      c: categoryInsight(id: "601583", region: "US", timeScope: 30) { id }
    }`);

    expect(result.body.data).toEqual({
      a: { id: '601583:US:7' },
      b: { id: '601583:GB:7' },
      c: { id: '601583:US:30' },
    });
    expect(harness.upstream.calls).toHaveLength(3);
  });

  it('answers a second operation for the same key from the cache, and says so in extensions.cost', async () => {
    const first = await harness.execute(SameKeyManyWaysDocument);
    const second = await harness.execute(SameKeyManyWaysDocument);

    expect(second.data).toEqual(first.data);
    expect(harness.upstream.calls).toHaveLength(1);
    expect(first.extensions?.cost).toEqual({ upstreamCalls: 1, cacheHits: 0, coalesced: 0, credits: 2 });
    expect(second.extensions?.cost).toEqual({ upstreamCalls: 0, cacheHits: 1, coalesced: 0, credits: 0 });
  });
});

describe('upstream concurrency limit', () => {
  const harness = useTestGateway({ upstream: { latencyMs: 60 }, env: { KEYAPI_MAX_CONCURRENCY: '3' } });

  it('queues distinct keys beyond KEYAPI_MAX_CONCURRENCY and still answers them all', async () => {
    const ids = THIRD_LEVEL_IDS.slice(0, 9);
    const result = await harness.execute(CategoryInsightsDocument, { ids });

    expect(result.data?.categoryInsights.every((insight) => insight !== null)).toBe(true);
    expect(harness.upstream.calls).toHaveLength(9);
    expect(harness.upstream.maxInFlight).toBe(3);
  });
});

describe('memory cache', () => {
  // About 1.9 KB of UTF-8 per answer: room for one, not two. Whole-response replay is off, so
  // every repeat reaches the insight cache.
  const harness = useTestGateway({ env: { CACHE_MAX_BYTES: '3000', RESPONSE_CACHE_MAX_ENTRIES: '0' } });
  const hashtagsOf = (id: string) =>
    harness.executeText(`{ categoryInsight(id: "${id}", region: "AE") { hashtags } }`);

  it('gives back non-Latin hashtags exactly as KeyAPI sent them', async () => {
    const fetched = await hashtagsOf('601583');
    const cached = await hashtagsOf('601583');

    const { hashtags } = (fetched.body.data as { categoryInsight: { hashtags: string[] } }).categoryInsight;
    expect(hashtags.some((tag) => /[\u0600-\u06ff]/.test(tag))).toBe(true);
    expect(cached.body.data).toEqual(fetched.body.data);
    expect(harness.upstream.calls).toHaveLength(1);
  });

  it('evicts the least recently used answer once CACHE_MAX_BYTES is reached', async () => {
    await hashtagsOf('601583');
    await hashtagsOf('601584');
    await hashtagsOf('601584');
    await hashtagsOf('601583');

    expect(harness.upstream.calls.map((call) => call.id)).toEqual(['601583', '601584', '601583']);
  });
});
