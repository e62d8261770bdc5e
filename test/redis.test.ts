import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { THIRD_LEVEL_IDS } from '../src/demo-upstream/catalog.js';
import { startDemoUpstream } from '../src/demo-upstream/demo-upstream.js';
import { InsightInScopeDocument } from './gql/graphql.js';
import { useGatewayInstances } from './helpers/gateway-instances.js';
import { captureLogs } from './helpers/log-capture.js';
import { deleteKeys, keysUnder, SHARED_REDIS_URL, startPrivateRedis, uniquePrefix } from './helpers/redis.js';
import { itSharesOneRedis } from './helpers/shared-redis-cases.js';
import { connectGateway, FIXED_NOW, TEST_API_KEY } from './helpers/test-gateway.js';

describe('two gateway instances on one Redis', () => {
  const shared = useGatewayInstances({
    redisEnv: () => ({ REDIS_URL: SHARED_REDIS_URL }),
    upstream: { latencyMs: 100 },
    cleanUp: (prefix) => deleteKeys(SHARED_REDIS_URL, prefix),
  });
  const start = (env: Record<string, string> = {}) => shared.start(env);
  itSharesOneRedis(shared, (prefix) => keysUnder(SHARED_REDIS_URL, prefix));

  it("know the categories of each other's answers, through the shared catalog", async () => {
    const [a, b] = [start(), start()];
    await a.execute(InsightInScopeDocument, { id: '601583' });

    const { body } = await b.executeText('{ category(id: "601450") { name level } }');

    expect(body.data).toEqual({ category: { name: 'Beauty & Personal Care', level: 1 } });
    expect(shared.upstream.calls).toHaveLength(1);
  });

  it('take over from an instance that died mid-call once its short lease runs out, then fetch', async () => {
    const instance = start();
    const redis = new Redis(SHARED_REDIS_URL, { keyPrefix: shared.prefix });
    // What a holder leaves behind when it dies: a lease of the default length that nobody renews.
    await redis.set('lease:601590:all_regions:1', 'a-dead-instance', 'PX', 1_500);
    redis.disconnect();

    const result = await instance.execute(InsightInScopeDocument, { id: '601590' });

    expect(result.data?.categoryInsight?.id).toBe('601590:all_regions:1');
    expect(shared.upstream.calls).toHaveLength(1);
  });

  it('share one 429 cool-down: the other instance refuses at once, without a call', async () => {
    const [a, b] = [start({ KEYAPI_RETRY_MAX_ATTEMPTS: '1' }), start({ KEYAPI_RETRY_MAX_ATTEMPTS: '1' })];
    shared.upstream.setFault('*', { kind: 'status', status: 429, retryAfter: '30' });

    const met = await a.execute(InsightInScopeDocument, { id: '601583' });
    const refused = await Promise.all(
      THIRD_LEVEL_IDS.slice(1, 6).map((id) => b.execute(InsightInScopeDocument, { id })),
    );

    expect(met.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', upstreamStatus: 429 });
    for (const result of refused) {
      expect(result.errors?.[0]?.extensions?.code).toBe('UPSTREAM_RATE_LIMITED');
      expect(Number(result.errors?.[0]?.extensions?.retryAfterSeconds)).toBeGreaterThan(25);
    }
    expect(shared.upstream.calls).toHaveLength(1);
    expect(await b.metricsText()).toMatch(/^gateway_upstream_cooldown_seconds [12]\d\.?\d*$/m);
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

describe('a Redis that stops answering', () => {
  /** Commands Redis has run since its stats were reset, by name, without the admin's and health checks. */
  async function commandsRun(admin: Redis): Promise<Record<string, number>> {
    const stats = String(await admin.info('commandstats'));
    const counts = [...stats.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)].map(([, name, calls]) => [
      name,
      Number(calls),
    ]);
    return Object.fromEntries(
      counts.filter(
        ([name]) => !['ping', 'info', 'config|resetstat', 'client|pause'].includes(name as string),
      ),
    );
  }

  it('is skipped once one command has timed out, not waited on by every command of every miss', async () => {
    const redis = await startPrivateRedis();
    const upstream = await startDemoUpstream({ apiKey: TEST_API_KEY, clock: () => FIXED_NOW });
    const gateway = connectGateway(upstream, {
      env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: uniquePrefix() },
    });
    const admin = new Redis(redis.url);
    try {
      await gateway.execute(InsightInScopeDocument, { id: '601583' });
      await admin.config('RESETSTAT');
      await admin.client('PAUSE', 3_000, 'ALL');

      const misses = [];
      for (const id of ['601584', '601590', '601170'])
        misses.push(await gateway.execute(InsightInScopeDocument, { id }));

      expect(misses.map((result) => result.errors)).toEqual([undefined, undefined, undefined]);
      expect(misses.map((result) => result.extensions?.cost?.upstreamCalls)).toEqual([1, 1, 1]);
      // Only what the first miss sent at once, before its first command timed out (about 80 without
      // skipping): no miss after it read or wrote the cache or took a lease.
      const run = await commandsRun(admin);
      expect(Object.values(run).reduce((sum, calls) => sum + calls, 0)).toBeLessThanOrEqual(5);
      expect(run).not.toHaveProperty('get');
      expect(run).not.toHaveProperty('set');
    } finally {
      admin.disconnect();
      await gateway.close();
      await upstream.close();
      await redis.stop();
    }
  });
});

describe('credit books across a Redis outage', () => {
  const day = FIXED_NOW.toISOString().slice(0, 10);
  const keys = THIRD_LEVEL_IDS.flatMap((id) => ['US', 'GB'].map((region) => ({ id, region })));

  it('holds the daily cap while Redis is down, stays ready, and books every credit once it is back empty', async () => {
    const redis = await startPrivateRedis();
    const upstream = await startDemoUpstream({ apiKey: TEST_API_KEY, clock: () => FIXED_NOW });
    const logs = captureLogs();
    const prefix = uniquePrefix();
    const gateway = connectGateway(upstream, {
      env: {
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: prefix,
        CREDIT_BUDGET_GLOBAL_DAILY: '40',
        KEYAPI_RETRY_MAX_ATTEMPTS: '1',
        LOG_LEVEL: 'info',
      },
      deps: { logDestination: logs.stream },
    });
    const ask = (key: { id: string; region: string }) => gateway.execute(InsightInScopeDocument, key);
    const globalBooked = async () => {
      const client = new Redis(redis.url, { keyPrefix: prefix, maxRetriesPerRequest: 0 });
      try {
        const values = await client.hvals(`credits:{${day}}:global`);
        return values.reduce((sum, value) => sum + Number(value), 0);
      } finally {
        client.disconnect();
      }
    };
    try {
      for (const key of keys.slice(0, 5)) await ask(key);
      expect(await globalBooked()).toBe(10);

      await redis.stop();
      const duringOutage = [];
      for (const key of keys.slice(5, 25)) duringOutage.push(await ask(key));
      const ready = await gateway.gateway.fetch('http://gateway.test/ready');

      // Alone, the instance stops exactly at the cap: 15 more calls, then refusals.
      expect(duringOutage.filter((result) => result.errors === undefined)).toHaveLength(15);
      expect(duringOutage.slice(15).map((result) => result.errors?.[0]?.extensions)).toEqual(
        Array(5).fill(expect.objectContaining({ code: 'CREDIT_BUDGET_EXCEEDED', budget: 'global' })),
      );
      expect(upstream.calls).toHaveLength(20);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'degraded', redis: 'unreachable' });

      await redis.restart();
      await expect.poll(globalBooked, { timeout: 10_000, interval: 100 }).toBe(40);
      const afterRestart = await ask(keys[25] as { id: string; region: string });

      expect(afterRestart.errors?.[0]?.extensions).toMatchObject({
        code: 'CREDIT_BUDGET_EXCEEDED',
        budget: 'global',
      });
      expect(upstream.calls).toHaveLength(20);
      expect(await (await gateway.gateway.fetch('http://gateway.test/ready')).json()).toMatchObject({
        status: 'ready',
        redis: 'ok',
      });
      const redisLines = logs.entries().filter((entry) => /Redis/.test(String(entry.msg)));
      expect(redisLines.map((entry) => [entry.level, entry.msg])).toEqual([
        ['warn', 'Redis unavailable; continuing on the in-memory path'],
        ['info', 'Redis is back; the shared path resumes'],
      ]);
    } finally {
      await gateway.close();
      await upstream.close();
      await redis.stop();
    }
  });
});
