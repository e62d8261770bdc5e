import { describe, expect, it } from 'vitest';
import { BrokenAndHealthyDocument, InsightInScopeDocument } from './gql/graphql.js';
import { createSleepRecorder, createTestClock } from './helpers/test-clock.js';
import { FIXED_NOW, useTestGateway } from './helpers/test-gateway.js';

const insight = (id: string) => `{ categoryInsight(id: "${id}") { id title } }`;

describe('retries', () => {
  const sleeper = createSleepRecorder();
  const harness = useTestGateway({ deps: { sleep: sleeper.sleep } });

  it('waits as a 429 Retry-After asks, then answers once', async () => {
    harness.upstream.setFault(
      '601583',
      { kind: 'status', status: 429, message: 'qps limit exceeded', retryAfter: '2' },
      1,
    );
    sleeper.waits.length = 0;

    const result = await harness.executeText(insight('601583'));

    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({ categoryInsight: { id: '601583:all_regions:1', title: 'Perfume' } });
    expect(sleeper.waits).toEqual([2_000]);
    expect(harness.upstream.calls).toHaveLength(2);
    // Both attempts were paid for.
    expect(result.body.extensions?.cost).toMatchObject({ upstreamCalls: 2, credits: 4 });
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const inThreeSeconds = new Date(Date.now() + 3_000).toUTCString();
    harness.upstream.setFault('601583', { kind: 'status', status: 429, retryAfter: inThreeSeconds }, 1);
    sleeper.waits.length = 0;

    const result = await harness.executeText(insight('601583'));

    expect(result.body.errors).toBeUndefined();
    expect(sleeper.waits).toHaveLength(1);
    expect(sleeper.waits[0]).toBeGreaterThanOrEqual(2_000);
    expect(sleeper.waits[0]).toBeLessThanOrEqual(3_000);
  });

  it('gives up at once when Retry-After is longer than the cap', async () => {
    harness.upstream.setFault('601583', { kind: 'status', status: 429, retryAfter: '3600' });
    sleeper.waits.length = 0;

    const result = await harness.executeText(insight('601583'));

    expect(result.body.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_RATE_LIMITED',
      retryAfterSeconds: 3600,
    });
    expect(harness.upstream.calls).toHaveLength(1);
    expect(sleeper.waits).toEqual([]);
  });

  it('retries a 5xx with growing, jittered backoff, up to the attempt limit', async () => {
    harness.upstream.setFault('601583', { kind: 'status', status: 502 });
    sleeper.waits.length = 0;

    const result = await harness.executeText(insight('601583'));

    expect(result.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(harness.upstream.calls).toHaveLength(3);
    expect(sleeper.waits).toHaveLength(2);
    expect(sleeper.waits[0]).toBeLessThanOrEqual(200);
    expect(sleeper.waits[1]).toBeLessThanOrEqual(400);
    expect(result.body.extensions?.cost).toMatchObject({ upstreamCalls: 3, credits: 6 });
  });

  it('recovers from a connection reset mid-body on the next attempt', async () => {
    harness.upstream.setFault('601583', { kind: 'reset-mid-body' }, 1);

    const result = await harness.executeText(insight('601583'));

    expect(result.body.data).toEqual({ categoryInsight: { id: '601583:all_regions:1', title: 'Perfume' } });
    expect(harness.upstream.calls).toHaveLength(2);
  });

  it.each([400, 401, 402, 403])('never retries a %i', async (status) => {
    harness.upstream.setFault('601583', { kind: 'status', status });

    await harness.executeText(insight('601583'));

    expect(harness.upstream.calls).toHaveLength(1);
  });
});

describe('timeouts', () => {
  const harness = useTestGateway({
    env: {
      KEYAPI_REQUEST_TIMEOUT_MS: '250',
      KEYAPI_RETRY_MAX_ATTEMPTS: '2',
      KEYAPI_RETRY_BASE_DELAY_MS: '0',
    },
  });

  it('gives up on a hanging upstream within the configured bound, once per attempt', async () => {
    harness.upstream.setFault('601583', { kind: 'hang' });

    const result = await harness.executeText(insight('601583'));

    expect(result.body.errors?.[0]).toMatchObject({
      message: 'KeyAPI is unavailable: it did not answer in time',
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
    expect(harness.upstream.calls).toHaveLength(2);
  });
});

describe('circuit breaker', () => {
  const clock = createTestClock(FIXED_NOW);
  const harness = useTestGateway({
    clock: clock.now,
    deps: { sleep: createSleepRecorder().sleep },
    env: {
      KEYAPI_BREAKER_FAILURES: '3',
      KEYAPI_BREAKER_COOLDOWN_MS: '30000',
      KEYAPI_RETRY_MAX_ATTEMPTS: '3',
    },
  });

  it('opens after a 5xx burst, fails fast, lets one probe through after the cool-down, and recovers', async () => {
    harness.upstream.setFault('*', { kind: 'status', status: 503 });

    const burst = await harness.executeText(insight('601583'));
    expect(burst.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(harness.upstream.calls).toHaveLength(3);

    const fast = await harness.executeText(insight('601584'));
    expect(fast.body.errors?.[0]).toMatchObject({
      message: 'KeyAPI is unavailable: the circuit breaker is open after repeated failures',
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
    expect(harness.upstream.calls).toHaveLength(3);
    const notReady = await harness.gateway.fetch('http://gateway.test/ready');
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({
      status: 'not ready',
      upstream: 'open',
      reasons: [expect.stringContaining('3 consecutive upstream failures')],
    });

    clock.advance(30_000);
    harness.upstream.setFault('*', null);
    const probe = await harness.executeText(insight('601584'));
    expect(probe.body.data).toEqual({
      categoryInsight: { id: '601584:all_regions:1', title: 'Lipstick & Lip Gloss' },
    });
    expect(harness.upstream.calls).toHaveLength(4);

    const after = await harness.executeText(insight('601590'));
    expect(after.body.errors).toBeUndefined();
    expect((await harness.gateway.fetch('http://gateway.test/ready')).status).toBe(200);
  });

  it('opens again when the half-open probe fails', async () => {
    harness.upstream.setFault('*', { kind: 'status', status: 500 });
    await harness.executeText(insight('601583'));
    clock.advance(30_000);

    const probe = await harness.executeText(insight('601584'));
    const afterProbe = await harness.executeText(insight('601590'));

    // The probe is one attempt: a failure re-opens the circuit before any retry.
    expect(probe.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(afterProbe.body.errors?.[0]?.message).toContain('circuit breaker is open');
    expect(harness.upstream.calls.filter((call) => call.id !== '601583')).toHaveLength(1);
  });
});

describe('402: credits exhausted', () => {
  const clock = createTestClock(FIXED_NOW);
  const harness = useTestGateway({ clock: clock.now, env: { KEYAPI_QUOTA_PAUSE_MS: '600000' } });

  it('stops every upstream call for the pause, says why on /ready, then resumes', async () => {
    harness.upstream.setFault(
      '601583',
      { kind: 'status', status: 402, message: 'apiKey quota is not enough' },
      1,
    );

    const first = await harness.execute(BrokenAndHealthyDocument, {
      brokenId: '601583',
      healthyId: '601584',
    });
    // Concurrent with the 402, the sibling was already on its way and answered.
    expect(first.errors?.[0]?.extensions?.code).toBe('UPSTREAM_QUOTA_EXCEEDED');
    const callsAfter402 = harness.upstream.calls.length;

    const paused = await harness.executeText(insight('601590'));
    expect(paused.body.errors?.[0]).toMatchObject({
      message: `KeyAPI credits are exhausted; upstream calls are paused until ${new Date(FIXED_NOW.getTime() + 600_000).toISOString()}`,
      extensions: { code: 'UPSTREAM_QUOTA_EXCEEDED' },
    });
    expect(harness.upstream.calls).toHaveLength(callsAfter402);

    const ready = await harness.gateway.fetch('http://gateway.test/ready');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: 'not ready',
      upstream: 'paused',
      redis: 'not configured',
      reasons: [
        `upstream paused until ${new Date(FIXED_NOW.getTime() + 600_000).toISOString()}: KeyAPI credits are exhausted (HTTP 402)`,
      ],
    });

    clock.advance(600_000);
    const resumed = await harness.executeText(insight('601590'));
    expect(resumed.body.errors).toBeUndefined();
    expect(harness.upstream.calls).toHaveLength(callsAfter402 + 1);
  });
});

describe('coalescing', () => {
  const harness = useTestGateway({ upstream: { latencyMs: 100 } });

  it('answers 100 concurrent identical operations with one upstream call', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        harness.execute(InsightInScopeDocument, { id: '601583', region: 'US', timeScope: '7' }),
      ),
    );

    expect(results.every((result) => result.data?.categoryInsight?.id === '601583:US:7')).toBe(true);
    expect(harness.upstream.calls).toHaveLength(1);
    const costs = results.map((result) => result.extensions?.cost);
    expect(costs.reduce((sum, cost) => sum + (cost?.upstreamCalls ?? 0), 0)).toBe(1);
    expect(costs.reduce((sum, cost) => sum + (cost?.coalesced ?? 0), 0)).toBe(99);
  });
});
