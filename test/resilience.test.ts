import { describe, expect, it } from 'vitest';
import { THIRD_LEVEL_IDS } from '../src/demo-upstream/catalog.js';
import { BrokenAndHealthyDocument, InsightInScopeDocument } from './gql/graphql.js';
import { captureLogs } from './helpers/log-capture.js';
import { createSleepRecorder, createTestClock } from './helpers/test-clock.js';
import { FIXED_NOW, useTestGateway } from './helpers/test-gateway.js';

const insight = (id: string) => `{ categoryInsight(id: "${id}") { id title } }`;

describe('retries', () => {
  const sleeper = createSleepRecorder();
  const harness = useTestGateway({ deps: { sleep: sleeper.sleep } });

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

describe('a hang storm', () => {
  const harness = useTestGateway({
    env: {
      KEYAPI_MAX_CONCURRENCY: '2',
      KEYAPI_MAX_QUEUE: '2',
      KEYAPI_QUEUE_TIMEOUT_MS: '100',
      KEYAPI_REQUEST_TIMEOUT_MS: '300',
      KEYAPI_RETRY_MAX_ATTEMPTS: '1',
    },
  });

  it('tells every client UPSTREAM_UNAVAILABLE, whether its call hung, waited in line or found the line full', async () => {
    harness.upstream.setFault('*', { kind: 'hang' });

    const results = await Promise.all(
      THIRD_LEVEL_IDS.slice(0, 8).map((id) => harness.executeText(insight(id))),
    );

    expect(results.map((result) => result.body.errors?.[0]?.extensions?.code)).toEqual(
      Array(8).fill('UPSTREAM_UNAVAILABLE'),
    );
    expect(harness.upstream.calls).toHaveLength(2);
  });
});

describe('a 429 storm', () => {
  const clock = createTestClock(FIXED_NOW);
  const logs = captureLogs();
  const harness = useTestGateway({
    clock: clock.now,
    env: { KEYAPI_COOLDOWN_BASE_MS: '1000', LOG_LEVEL: 'info', CACHE_STALE_WHILE_REVALIDATE: 'false' },
    deps: { logDestination: logs.stream },
  });
  const rateLimitedEverywhere = () =>
    harness.upstream.setFault('*', { kind: 'status', status: 429, message: 'qps limit exceeded' });

  it('sends one call, then refuses at once during the cool-down, lets one probe through, and resumes', async () => {
    rateLimitedEverywhere();
    const first = await harness.executeText(insight('601583'));
    const storm = await Promise.all(
      THIRD_LEVEL_IDS.slice(1, 21).map((id) => harness.executeText(insight(id))),
    );

    expect(first.body.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_RATE_LIMITED',
      upstreamStatus: 429,
    });
    for (const result of storm) {
      expect(result.body.errors?.[0]?.extensions).toMatchObject({
        code: 'UPSTREAM_RATE_LIMITED',
        retryAfterSeconds: 1,
      });
      expect(result.body.extensions?.cost).toMatchObject({ upstreamCalls: 0, credits: 0 });
    }
    expect(harness.upstream.calls).toHaveLength(1);
    expect(await (await harness.gateway.fetch('http://gateway.test/ready')).json()).toMatchObject({
      status: 'degraded',
      rateLimit: 'cooling down',
    });

    // After the pause, a burst of requests: one probe goes out; it meets a 429, so the pause doubles.
    clock.advance(1_050);
    const probes = await Promise.all(
      THIRD_LEVEL_IDS.slice(1, 21).map((id) => harness.executeText(insight(id))),
    );
    expect(
      probes.every((result) => result.body.errors?.[0]?.extensions?.code === 'UPSTREAM_RATE_LIMITED'),
    ).toBe(true);
    expect(harness.upstream.calls).toHaveLength(2);

    harness.upstream.setFault('*', null);
    clock.advance(2_050);
    const probe = await harness.executeText(insight(THIRD_LEVEL_IDS[1] as string));
    const recovered = await Promise.all(
      THIRD_LEVEL_IDS.slice(2, 5).map((id) => harness.executeText(insight(id))),
    );
    expect(probe.body.errors).toBeUndefined();
    expect(recovered.map((result) => result.body.errors)).toEqual([undefined, undefined, undefined]);
    expect(harness.upstream.calls).toHaveLength(6);
    const told = logs.entries().filter((entry) => /429/.test(String(entry.msg)));
    expect(told.map((entry) => [entry.level, entry.msg])).toEqual([
      ['warn', 'KeyAPI rate limit (429): upstream calls cool down, then one probe'],
      ['info', 'The 429 cool-down is over: upstream calls resume'],
    ]);
  });

  it('serves what it has, marked stale, while cooling down', async () => {
    await harness.executeText(insight('601583'));
    clock.advance(11 * 60_000);
    rateLimitedEverywhere();
    await harness.executeText(insight('601584'));

    const stale = await harness.executeText(insight('601583'));

    expect(stale.body.errors).toBeUndefined();
    expect(stale.body.data).toEqual({ categoryInsight: { id: '601583:all_regions:1', title: 'Perfume' } });
    expect(stale.body.extensions?.stale).toEqual([
      expect.objectContaining({ id: '601583:all_regions:1', reason: 'UPSTREAM_RATE_LIMITED' }),
    ]);
    expect(harness.upstream.calls.map((call) => call.id)).toEqual(['601583', '601584']);
  });
});

describe('circuit breaker', () => {
  const clock = createTestClock(FIXED_NOW);
  const logs = captureLogs();
  const harness = useTestGateway({
    clock: clock.now,
    deps: { sleep: createSleepRecorder().sleep, logDestination: logs.stream },
    env: {
      KEYAPI_BREAKER_FAILURES: '3',
      KEYAPI_BREAKER_COOLDOWN_MS: '30000',
      KEYAPI_RETRY_MAX_ATTEMPTS: '3',
      LOG_LEVEL: 'info',
    },
  });
  const ready = async () => {
    const response = await harness.gateway.fetch('http://gateway.test/ready');
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('keeps a poison key to itself: it fails fast alone, while healthy keys are still answered', async () => {
    harness.upstream.setFault('601583', { kind: 'status', status: 500 });

    const first = await harness.executeText(insight('601583'));
    const again = await Promise.all([1, 2, 3, 4].map(() => harness.executeText(insight('601583'))));
    const healthy = await Promise.all(['601584', '601590'].map((id) => harness.executeText(insight(id))));

    expect(first.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    // Three attempts opened the key's own circuit; the repeats cost nothing.
    for (const result of again) {
      expect(result.body.errors?.[0]).toMatchObject({
        message: 'KeyAPI keeps failing for this category, region and time scope; try again later',
        extensions: { code: 'UPSTREAM_UNAVAILABLE' },
      });
    }
    expect(healthy.map((result) => result.body.errors)).toEqual([undefined, undefined]);
    expect(harness.upstream.calls.map((call) => call.id)).toEqual([
      '601583',
      '601583',
      '601583',
      '601584',
      '601590',
    ]);
    expect(await ready()).toMatchObject({ status: 200, body: { status: 'ready', upstream: 'closed' } });
  });

  it('lets one probe through for the poison key after the cool-down', async () => {
    harness.upstream.setFault('601583', { kind: 'status', status: 500 });
    await harness.executeText(insight('601583'));
    clock.advance(30_000);
    harness.upstream.setFault('601583', null);

    const probe = await harness.executeText(insight('601583'));

    expect(probe.body.errors).toBeUndefined();
    expect(probe.body.data).toEqual({ categoryInsight: { id: '601583:all_regions:1', title: 'Perfume' } });
    expect(harness.upstream.calls).toHaveLength(4);
  });

  it('opens for everyone when distinct keys fail, stays ready, fails fast, then recovers through one probe', async () => {
    harness.upstream.setFault('*', { kind: 'status', status: 503 });

    await Promise.all(['601583', '601584', '601590'].map((id) => harness.executeText(insight(id))));
    const callsWhenOpen = harness.upstream.calls.length;
    const fast = await harness.executeText(insight('601170'));

    expect(fast.body.errors?.[0]).toMatchObject({
      message: 'KeyAPI is unavailable: the circuit breaker is open after repeated failures',
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
    expect(harness.upstream.calls).toHaveLength(callsWhenOpen);
    // Every instance shares this trouble: leaving the load balancer would only make it an outage.
    const open = await ready();
    expect(open.status).toBe(200);
    expect(open.body).toMatchObject({
      status: 'degraded',
      upstream: 'open',
      degraded: [expect.stringContaining('KeyAPI is failing: the circuit is open until')],
    });

    clock.advance(30_000);
    harness.upstream.setFault('*', null);
    const probe = await harness.executeText(insight('601195'));
    expect(probe.body.data).toEqual({
      categoryInsight: { id: '601195:all_regions:1', title: 'Casual Dresses' },
    });
    expect(harness.upstream.calls).toHaveLength(callsWhenOpen + 1);

    const after = await harness.executeText(insight('601755'));
    expect(after.body.errors).toBeUndefined();
    expect(await ready()).toMatchObject({
      status: 200,
      body: { status: 'ready', upstream: 'closed', degraded: [] },
    });
    const told = logs.entries().filter((entry) => /circuit/.test(String(entry.msg)));
    expect(told.map((entry) => [entry.level, entry.msg])).toEqual([
      ['warn', 'Upstream circuit opened: KeyAPI calls fail fast'],
      ['info', 'Upstream circuit closed: KeyAPI answers again'],
    ]);
  });

  it('opens again when the half-open probe fails', async () => {
    harness.upstream.setFault('*', { kind: 'status', status: 500 });
    await Promise.all(['601583', '601584', '601590'].map((id) => harness.executeText(insight(id))));
    const callsWhenOpen = harness.upstream.calls.length;
    clock.advance(30_000);

    const probe = await harness.executeText(insight('601170'));
    const afterProbe = await harness.executeText(insight('601195'));

    // The probe is one attempt: a failure re-opens the circuit before any retry.
    expect(probe.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(afterProbe.body.errors?.[0]?.message).toContain('circuit breaker is open');
    expect(harness.upstream.calls).toHaveLength(callsWhenOpen + 1);
  });
});

describe('402: credits exhausted', () => {
  const clock = createTestClock(FIXED_NOW);
  const logs = captureLogs();
  const harness = useTestGateway({
    clock: clock.now,
    env: { KEYAPI_QUOTA_PAUSE_MS: '600000', LOG_LEVEL: 'info' },
    deps: { logDestination: logs.stream },
  });

  it('stops every upstream call for the pause while staying ready, says why, then resumes', async () => {
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
    const until = new Date(FIXED_NOW.getTime() + 600_000).toISOString();

    const paused = await harness.executeText(insight('601590'));
    expect(paused.body.errors?.[0]).toMatchObject({
      message: `KeyAPI credits are exhausted; upstream calls are paused until ${until}`,
      extensions: { code: 'UPSTREAM_QUOTA_EXCEEDED' },
    });
    expect(harness.upstream.calls).toHaveLength(callsAfter402);
    // Cached answers can still be served, so the instance stays in the load balancer.
    const cached = await harness.executeText(insight('601584'));
    expect(cached.body.errors).toBeUndefined();

    const ready = await harness.gateway.fetch('http://gateway.test/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'degraded',
      upstream: 'paused',
      rateLimit: 'ok',
      redis: 'not configured',
      degraded: [
        `KeyAPI credits are exhausted: upstream calls paused until ${until}; cached answers are still served`,
      ],
    });
    expect(await harness.metricsText()).toMatch(/^gateway_upstream_breaker_state 3$/m);

    clock.advance(600_000);
    const resumed = await harness.executeText(insight('601590'));
    expect(resumed.body.errors).toBeUndefined();
    expect(harness.upstream.calls).toHaveLength(callsAfter402 + 1);
    const told = logs.entries().filter((entry) => /402/.test(String(entry.msg)));
    expect(told.map((entry) => [entry.level, entry.msg])).toEqual([
      ['warn', 'KeyAPI credits are exhausted (402): upstream calls paused'],
      ['info', 'The 402 pause is over: upstream calls resume'],
    ]);
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
