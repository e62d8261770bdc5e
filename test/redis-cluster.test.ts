import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config.js';
import { THIRD_LEVEL_IDS } from '../src/demo-upstream/catalog.js';
import { startDemoUpstream } from '../src/demo-upstream/demo-upstream.js';
import { InsightInScopeDocument } from './gql/graphql.js';
import { useGatewayInstances } from './helpers/gateway-instances.js';
import { freePort } from './helpers/listen.js';
import { captureLogs } from './helpers/log-capture.js';
import { uniquePrefix } from './helpers/redis.js';
import { type PrivateCluster, startPrivateCluster } from './helpers/redis-cluster.js';
import { itSharesOneRedis } from './helpers/shared-redis-cases.js';
import { connectGateway, FIXED_NOW, TEST_API_KEY, type TestGatewayOptions } from './helpers/test-gateway.js';

describe('Redis topology from the environment', () => {
  const parse = (env: Record<string, string>) => parseConfig({ KEYAPI_API_KEY: TEST_API_KEY, ...env });

  it('reads a cluster from its nodes and Sentinel from its sentinels and master name', () => {
    const cluster = parse({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001,[::1]:7002' });
    const sentinel = parse({
      REDIS_SENTINELS: 'sentinel-a:26379,sentinel-b:26379',
      REDIS_SENTINEL_NAME: 'mymaster',
      REDIS_PASSWORD: 'hunter2-hunter2',
    });

    expect(cluster.ok && cluster.config.redis).toMatchObject({
      topology: {
        kind: 'cluster',
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: 'redis-b', port: 7001 },
          { host: '::1', port: 7002 },
        ],
      },
      keyPrefix: 'tiktok-insights:',
    });
    expect(sentinel.ok && sentinel.config.redis).toMatchObject({
      topology: {
        kind: 'sentinel',
        sentinels: [
          { host: 'sentinel-a', port: 26379 },
          { host: 'sentinel-b', port: 26379 },
        ],
        name: 'mymaster',
      },
      password: 'hunter2-hunter2',
    });
    expect(parse({ REDIS_URL: 'redis://cache:6379' })).toMatchObject({
      ok: true,
      config: { redis: { topology: { kind: 'standalone', url: 'redis://cache:6379' } } },
    });
  });

  it('refuses more than one way to reach Redis, and what a way lacks, with every other problem', () => {
    const result = parse({
      REDIS_URL: 'redis://:s3cret@cache:6379',
      REDIS_CLUSTER_NODES: 'a:7000,b',
      REDIS_SENTINEL_NAME: 'mymaster',
      REDIS_PASSWORD: 'never-echoed-password',
      REDIS_KEY_PREFIX: '{gw}:',
      PORT: '70000',
    });

    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toEqual(
      expect.arrayContaining([
        'REDIS_CLUSTER_NODES: "b" is not host:port (got "a:7000,b")',
        'REDIS_URL, REDIS_CLUSTER_NODES: set one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS, not several (got REDIS_URL="redis://:***@cache:6379", REDIS_CLUSTER_NODES="a:7000,b")',
        'REDIS_SENTINEL_NAME: set only with REDIS_SENTINELS (got "mymaster")',
        'REDIS_PASSWORD: REDIS_URL carries a password of its own; keep one of them',
        `REDIS_KEY_PREFIX: no { or } with REDIS_CLUSTER_NODES: the gateway's keys carry their own hash tags (got "{gw}:")`,
      ]),
    );
    expect(errors.some((error) => error.startsWith('PORT:'))).toBe(true);
    expect(errors.join('\n')).not.toMatch(/s3cret|never-echoed/);
    expect(parse({ REDIS_SENTINELS: 'sentinel-a:26379' })).toEqual({
      ok: false,
      errors: [
        'REDIS_SENTINEL_NAME: required with REDIS_SENTINELS: the master group name the sentinels monitor',
      ],
    });
  });
});

describe('two gateway instances on a Redis Cluster of three masters', () => {
  let cluster: PrivateCluster;
  // Generous: other test files start their own Redis processes at the same moment.
  beforeAll(async () => {
    cluster = await startPrivateCluster();
  }, 30_000);
  afterAll(() => cluster?.stop());
  const shared = useGatewayInstances({
    redisEnv: () => ({ REDIS_CLUSTER_NODES: cluster.nodes }),
    upstream: { latencyMs: 100 },
  });
  const start = (env: Record<string, string> = {}, options: TestGatewayOptions = {}) =>
    shared.start(env, options);
  itSharesOneRedis(shared, (prefix) => cluster.keys(prefix));

  it('hold one global daily cap together, booking both ledger keys of a script in one slot', async () => {
    const env = { CREDIT_BUDGET_GLOBAL_DAILY: '6', KEYAPI_RETRY_MAX_ATTEMPTS: '1' };
    const [a, b] = [start(env), start(env)];
    const [first, second, third, fourth] = THIRD_LEVEL_IDS;

    const paid = [
      await a.execute(InsightInScopeDocument, { id: first as string }),
      await b.execute(InsightInScopeDocument, { id: second as string }),
      await a.execute(InsightInScopeDocument, { id: third as string }),
    ];
    const refused = await b.execute(InsightInScopeDocument, { id: fourth as string });

    expect(paid.map((result) => result.errors)).toEqual([undefined, undefined, undefined]);
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'CREDIT_BUDGET_EXCEEDED',
      budget: 'global',
    });
    expect(shared.upstream.calls).toHaveLength(3);
    const day = FIXED_NOW.toISOString().slice(0, 10);
    const books = await cluster.keys(`${shared.prefix}credits:`);
    expect(books).toContain(`${shared.prefix}credits:{${day}}:global`);
    expect(books.some((key) => key.startsWith(`${shared.prefix}credits:{${day}}:client:`))).toBe(true);
    expect(new Set(await cluster.slots(books)).size).toBe(1);
  });

  it('pause together on a 402, told over pub/sub whichever master each subscribed to', async () => {
    const env = { KEYAPI_RETRY_MAX_ATTEMPTS: '1' };
    const [a, b] = [start(env), start(env)];
    shared.upstream.setFault(
      '601583',
      { kind: 'status', status: 402, message: 'apiKey quota is not enough' },
      1,
    );

    await a.execute(InsightInScopeDocument, { id: '601583' });
    await expect
      .poll(async () => (await (await b.gateway.fetch('http://gateway.test/ready')).json()).upstream)
      .toBe('paused');
    const refused = await b.execute(InsightInScopeDocument, { id: '601584' });

    expect(refused.errors?.[0]?.extensions?.code).toBe('UPSTREAM_QUOTA_EXCEEDED');
    expect(shared.upstream.calls).toHaveLength(1);
  });

  // Last: it takes a master away, and puts it back.
  it('keeps answering when a master dies, says so once, and shares again once it is back', async () => {
    const logs = captureLogs();
    const redisLines = () =>
      logs
        .entries()
        .filter((entry) => /Redis/.test(String(entry.msg)))
        .map((entry) => [entry.level, entry.msg]);
    const a = start({ LOG_LEVEL: 'info' }, { deps: { logDestination: logs.stream } });
    await a.execute(InsightInScopeDocument, { id: '601583' });

    await cluster.killMasterOf(`${shared.prefix}answer:insight-detail:601584:all_regions:1`);
    const during = await a.execute(InsightInScopeDocument, { id: '601584' });

    expect(during.errors).toBeUndefined();
    expect(during.data?.categoryInsight?.id).toBe('601584:all_regions:1');
    expect(shared.upstream.calls).toHaveLength(2);
    expect(redisLines()).toEqual([['warn', 'Redis unavailable; continuing on the in-memory path']]);

    await cluster.revive();

    await expect
      .poll(() => redisLines()[1], { timeout: 10_000, interval: 100 })
      .toEqual(['info', 'Redis is back; the shared path resumes']);
    await a.execute(InsightInScopeDocument, { id: '601585' });
    const fromB = await start().execute(InsightInScopeDocument, { id: '601585' });
    expect(fromB.extensions?.cost).toMatchObject({ upstreamCalls: 0, cacheHits: 1 });
  });
});

describe('two gateway instances on a Redis Cluster with a replica per master', () => {
  let cluster: PrivateCluster;
  beforeAll(async () => {
    cluster = await startPrivateCluster({ replicas: 1 });
  }, 30_000);
  afterAll(() => cluster?.stop());
  const shared = useGatewayInstances({
    redisEnv: () => ({ REDIS_CLUSTER_NODES: cluster.nodes }),
    upstream: { latencyMs: 20 },
  });
  const answerKey = (id: string, region = 'all_regions') =>
    `${shared.prefix}answer:insight-detail:${id}:${region}:1`;

  it('fail no query while a replica takes over a killed master, then share through the new master', async () => {
    const [a, b] = [shared.start(), shared.start()];
    const victim = THIRD_LEVEL_IDS[0] as string;
    const [master] = await cluster.mastersOf([answerKey(victim)]);
    // Keys no instance has seen, whose answers land on the master about to die.
    const unseen = ['CA', 'AU', 'BR', 'MX', 'ES', 'IT', 'SA', 'AE', 'KR', 'SG'].flatMap((region) =>
      THIRD_LEVEL_IDS.map((id) => ({ id, region })),
    );
    const onMaster = await cluster.mastersOf(unseen.map(({ id, region }) => answerKey(id, region)));
    const later = unseen.filter((_, index) => onMaster[index] === master);
    await a.execute(InsightInScopeDocument, { id: victim });

    await cluster.killMasterOf(answerKey(victim));
    let settled = false;
    const failover = cluster.failedOver().finally(() => {
      settled = true;
    });
    // A new key every round, so each one goes through Redis while the replica takes over.
    const regions = ['US', 'GB', 'DE', 'FR', 'JP', 'ID', 'TH', 'VN', 'MY', 'PH'];
    const during: Array<{ errors?: unknown; data?: unknown }> = [];
    for (let round = 0; !settled && round < THIRD_LEVEL_IDS.length * regions.length; round++) {
      const id = THIRD_LEVEL_IDS[round % THIRD_LEVEL_IDS.length] as string;
      const region = regions[Math.floor(round / THIRD_LEVEL_IDS.length)] as string;
      during.push(await (round % 2 === 0 ? a : b).execute(InsightInScopeDocument, { id, region }));
      await sleep(20);
    }
    await failover;

    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((result) => result.errors !== undefined || !result.data)).toEqual([]);
    // Each try a key neither instance has seen: B can only have it from the new master.
    let asked = { id: '', region: '' };
    await expect
      .poll(
        async () => {
          asked = later.shift() ?? asked;
          await a.execute(InsightInScopeDocument, asked);
          return (await b.execute(InsightInScopeDocument, asked)).extensions?.cost;
        },
        { timeout: 10_000, interval: 200 },
      )
      .toMatchObject({ upstreamCalls: 0, cacheHits: 1 });
    expect(await cluster.mastersOf([answerKey(asked.id, asked.region)])).not.toEqual([master]);
  }, 30_000);
});

describe('a gateway whose cluster cannot be reached', () => {
  it('answers on the in-memory path, its commands timed out instead of queued for the cluster', async () => {
    const upstream = await startDemoUpstream({ apiKey: TEST_API_KEY, clock: () => FIXED_NOW });
    const gateway = connectGateway(upstream, {
      env: { REDIS_CLUSTER_NODES: `127.0.0.1:${await freePort()}`, REDIS_KEY_PREFIX: uniquePrefix() },
    });
    try {
      const first = await gateway.execute(InsightInScopeDocument, { id: '601583' });
      const again = await gateway.execute(InsightInScopeDocument, { id: '601583' });
      const ready = await (await gateway.gateway.fetch('http://gateway.test/ready')).json();

      // ioredis alone would hold these commands until the cluster came up: past the test's timeout.
      expect(first.data?.categoryInsight?.id).toBe('601583:all_regions:1');
      expect(again.extensions?.cost).toMatchObject({ cacheHits: 1, upstreamCalls: 0 });
      expect(upstream.calls).toHaveLength(1);
      expect(ready).toMatchObject({ status: 'degraded', redis: 'unreachable' });
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
});
