import { describe, expect, it } from 'vitest';
import { THIRD_LEVEL_IDS } from '../src/demo-upstream/catalog.js';
import { startDemoUpstream } from '../src/demo-upstream/demo-upstream.js';
import { deleteKeys, SHARED_REDIS_URL, uniquePrefix } from './helpers/redis.js';
import { createTestClock } from './helpers/test-clock.js';
import { connectGateway, FIXED_NOW, TEST_API_KEY, useTestGateway } from './helpers/test-gateway.js';

const MINUTE = 60_000;
const card = (id: string) => `{ categoryInsight(id: "${id}") { id title fetchedAt } }`;
/** The value of one sample in Prometheus text. */
const sample = (text: string, line: string) =>
  Number(
    text
      .split('\n')
      .find((row) => row.startsWith(`${line} `))
      ?.split(' ')
      .at(-1),
  );

describe('stale-while-revalidate', () => {
  const clock = createTestClock(FIXED_NOW);
  const harness = useTestGateway({
    clock: clock.now,
    upstream: { latencyMs: 50 },
    env: { RESPONSE_CACHE_MAX_ENTRIES: '0', KEYAPI_RETRY_MAX_ATTEMPTS: '1' },
  });

  it('answers 20 concurrent requests for an expired key at once, stale, with one refresh behind them', async () => {
    const first = await harness.executeText(card('601583'));
    clock.advance(11 * MINUTE);

    const stale = await Promise.all(Array.from({ length: 20 }, () => harness.executeText(card('601583'))));
    await expect.poll(() => harness.upstream.calls.length).toBe(2);
    await expect
      .poll(async () =>
        sample(await harness.metricsText(), 'gateway_refreshes_total{trigger="stale",outcome="ok"}'),
      )
      .toBe(1);
    const after = await harness.executeText(card('601583'));

    for (const response of stale) {
      expect(response.body.data).toEqual(first.body.data);
      expect(response.body.extensions?.cost).toMatchObject({ upstreamCalls: 0, credits: 0 });
      expect(response.body.extensions?.stale).toEqual([
        expect.objectContaining({ id: '601583:all_regions:1', ageSeconds: 660, reason: 'REFRESHING' }),
      ]);
    }
    expect(after.body.extensions?.stale).toBeUndefined();
    expect(after.body.extensions?.cost).toMatchObject({ upstreamCalls: 0, cacheHits: 1 });
    expect((after.body.data as { categoryInsight: { fetchedAt: string } }).categoryInsight.fetchedAt).toBe(
      new Date(FIXED_NOW.getTime() + 11 * MINUTE).toISOString(),
    );
    expect(sample(await harness.metricsText(), 'gateway_refresh_credits_total{trigger="stale"}')).toBe(2);
  });

  it('keeps the old copy when the refresh fails, counts the failure, and tries again on the next request', async () => {
    const first = await harness.executeText(card('601583'));
    clock.advance(11 * MINUTE);
    harness.upstream.setFault('601583', { kind: 'status', status: 503 }, 1);

    await harness.executeText(card('601583'));
    await expect
      .poll(async () =>
        sample(await harness.metricsText(), 'gateway_refreshes_total{trigger="stale",outcome="failed"}'),
      )
      .toBe(1);
    const still = await harness.executeText(card('601583'));

    expect(still.body.data).toEqual(first.body.data);
    expect(still.body.extensions?.stale?.[0]?.reason).toBe('REFRESHING');
    await expect
      .poll(async () =>
        sample(await harness.metricsText(), 'gateway_refreshes_total{trigger="stale",outcome="ok"}'),
      )
      .toBe(1);
  });
});

describe('stale-while-revalidate across instances', () => {
  it('sends one refresh for the fleet when every instance serves the same expired key', async () => {
    const clock = createTestClock(FIXED_NOW);
    const prefix = uniquePrefix();
    const upstream = await startDemoUpstream({ apiKey: TEST_API_KEY, clock: clock.now, latencyMs: 200 });
    const env = { REDIS_URL: SHARED_REDIS_URL, REDIS_KEY_PREFIX: prefix, RESPONSE_CACHE_MAX_ENTRIES: '0' };
    const [a, b] = [
      connectGateway(upstream, { env, clock: clock.now }),
      connectGateway(upstream, { env, clock: clock.now }),
    ];
    try {
      await a.executeText(card('601584'));
      await expect
        .poll(async () => (await b.executeText(card('601584'))).body.extensions?.cost?.cacheHits)
        .toBe(1);
      clock.advance(11 * MINUTE);

      await Promise.all([a.executeText(card('601584')), b.executeText(card('601584'))]);
      await expect.poll(() => upstream.calls.length).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(upstream.calls).toHaveLength(2);
    } finally {
      await a.close();
      await b.close();
      await upstream.close();
      await deleteKeys(SHARED_REDIS_URL, prefix);
    }
  });
});

describe('refresh-ahead', () => {
  const clock = createTestClock(FIXED_NOW);
  const harness = useTestGateway({
    clock: clock.now,
    env: {
      RESPONSE_CACHE_MAX_ENTRIES: '0',
      REFRESH_AHEAD_CREDITS_DAILY: '4',
      REFRESH_AHEAD_MIN_HITS: '2',
      REFRESH_AHEAD_HALF_LIFE_MS: '3600000',
      REFRESH_AHEAD_INTERVAL_MS: '10000',
    },
  });
  const hot = THIRD_LEVEL_IDS.slice(0, 3);

  it('refreshes the hottest keys shortly before they expire, within its own budget, so the next viewer never waits', async () => {
    // Three hot keys, each asked for a different number of times: the budget pays for the two hottest.
    for (const [index, id] of hot.entries()) {
      for (let time = 0; time < 5 - index; time++) await harness.executeText(card(id));
    }
    const paidByViewers = harness.upstream.calls.length;

    clock.advance(10 * MINUTE - 15_000);
    await harness.executeText('{ categoryInsight(id: "601755") { id } }');
    await expect.poll(() => harness.upstream.calls.length).toBe(paidByViewers + 1 + 2);
    clock.advance(20_000);
    const later = await Promise.all(hot.slice(0, 2).map((id) => harness.executeText(card(id))));

    expect(harness.upstream.calls.slice(paidByViewers + 1).map((call) => call.id)).toEqual(hot.slice(0, 2));
    for (const response of later) {
      expect(response.body.extensions?.stale).toBeUndefined();
      expect(response.body.extensions?.cost).toMatchObject({ upstreamCalls: 0, cacheHits: 1 });
    }
    const metrics = await harness.metricsText();
    expect(sample(metrics, 'gateway_refreshes_total{trigger="ahead",outcome="ok"}')).toBe(2);
    expect(sample(metrics, 'gateway_refresh_credits_total{trigger="ahead"}')).toBe(4);
  });
});
