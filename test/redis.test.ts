import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { THIRD_LEVEL_IDS } from '../src/demo-upstream/catalog.js';
import { type DemoUpstream, startDemoUpstream } from '../src/demo-upstream/demo-upstream.js';
import { InsightInScopeDocument } from './gql/graphql.js';
import { captureLogs } from './helpers/log-capture.js';
import { deleteKeys, SHARED_REDIS_URL, startPrivateRedis, uniquePrefix } from './helpers/redis.js';
import { connectGateway, FIXED_NOW, TEST_API_KEY, type TestGateway } from './helpers/test-gateway.js';

describe('two gateway instances on one Redis', () => {
  let upstream: DemoUpstream;
  let prefix: string;
  let instances: TestGateway[] = [];
  const start = (env: Record<string, string> = {}) => {
    const instance = connectGateway(upstream, {
      env: { REDIS_URL: SHARED_REDIS_URL, REDIS_KEY_PREFIX: prefix, ...env },
    });
    instances.push(instance);
    return instance;
  };

  beforeAll(async () => {
    upstream = await startDemoUpstream({ apiKey: TEST_API_KEY, clock: () => FIXED_NOW, latencyMs: 100 });
  });
  beforeEach(() => {
    upstream.reset();
    prefix = uniquePrefix();
  });
  afterEach(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    instances = [];
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });
  afterAll(() => upstream.close());

  it('pay for one key once when both ask at the same moment', async () => {
    const [a, b] = [start(), start()];
    const variables = { id: '601583', region: 'US', timeScope: '7' };

    const results = await Promise.all([
      a.execute(InsightInScopeDocument, variables),
      b.execute(InsightInScopeDocument, variables),
      a.execute(InsightInScopeDocument, variables),
      b.execute(InsightInScopeDocument, variables),
    ]);

    expect(results.map((result) => result.data?.categoryInsight?.id)).toEqual(Array(4).fill('601583:US:7'));
    expect(upstream.calls).toHaveLength(1);
    expect(results.reduce((sum, result) => sum + (result.extensions?.cost?.upstreamCalls ?? 0), 0)).toBe(1);
  });

  it("serve one instance's answer from the other's cache", async () => {
    const [a, b] = [start(), start()];

    await a.execute(InsightInScopeDocument, { id: '601584' });
    const fromB = await b.execute(InsightInScopeDocument, { id: '601584' });

    expect(fromB.data?.categoryInsight?.id).toBe('601584:all_regions:1');
    expect(fromB.extensions?.cost).toMatchObject({ upstreamCalls: 0, cacheHits: 1 });
    expect(upstream.calls).toHaveLength(1);
  });

  it('hold the QPS limit together', async () => {
    // 2 calls at once, then one every 500 ms, whichever instance makes them.
    const env = { KEYAPI_MAX_QPS: '2', KEYAPI_QPS_BURST: '2' };
    const [a, b] = [start(env), start(env)];
    const ids = THIRD_LEVEL_IDS.slice(0, 6);

    const results = await Promise.all(
      ids.map((id, index) => (index % 2 === 0 ? a : b).execute(InsightInScopeDocument, { id })),
    );

    expect(results.every((result) => result.errors === undefined)).toBe(true);
    const arrivals = upstream.calls.map((call) => call.at).sort((x, y) => x - y);
    expect(arrivals).toHaveLength(6);
    const first = arrivals[0] as number;
    // Lower bounds only: a slow machine makes the gaps longer, never shorter.
    arrivals.slice(2).forEach((at, index) => {
      expect(at - first).toBeGreaterThanOrEqual((index + 1) * 500 - 50);
    });
  });

  it('wait out the lease of an instance that died mid-call, then fetch', async () => {
    const instance = start({ REDIS_LEASE_MS: '400' });
    const redis = new Redis(SHARED_REDIS_URL, { keyPrefix: prefix });
    await redis.set('lease:601590:all_regions:1', 'a-dead-instance', 'PX', 400);
    redis.disconnect();

    const result = await instance.execute(InsightInScopeDocument, { id: '601590' });

    expect(result.data?.categoryInsight?.id).toBe('601590:all_regions:1');
    expect(upstream.calls).toHaveLength(1);
  });
});

describe('Redis stopped mid-run', () => {
  it('keeps answering from the in-memory path, and says so once', async () => {
    const redis = await startPrivateRedis();
    const upstream = await startDemoUpstream({ apiKey: TEST_API_KEY, clock: () => FIXED_NOW });
    const logs = captureLogs();
    const gateway = connectGateway(upstream, {
      env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: uniquePrefix(), LOG_LEVEL: 'warn' },
      deps: { logDestination: logs.stream },
    });
    try {
      const before = await gateway.execute(InsightInScopeDocument, { id: '601583' });
      expect(before.data?.categoryInsight?.id).toBe('601583:all_regions:1');

      await redis.stop();
      const cached = await gateway.execute(InsightInScopeDocument, { id: '601583' });
      const uncached = await gateway.execute(InsightInScopeDocument, { id: '601584' });
      const again = await gateway.execute(InsightInScopeDocument, { id: '601584' });

      expect(cached.errors).toBeUndefined();
      expect(cached.extensions?.cost).toMatchObject({ cacheHits: 1, upstreamCalls: 0 });
      expect(uncached.errors).toBeUndefined();
      expect(uncached.data?.categoryInsight?.id).toBe('601584:all_regions:1');
      expect(again.extensions?.cost).toMatchObject({ cacheHits: 1, upstreamCalls: 0 });
      expect(upstream.calls.map((call) => call.id)).toEqual(['601583', '601584']);
      expect(logs.entries().map((entry) => entry.msg)).toEqual([
        'Redis unavailable; continuing on the in-memory path',
      ]);
    } finally {
      await gateway.close();
      await upstream.close();
      await redis.stop();
    }
  });
});
