import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { THIRD_LEVEL_IDS } from '../src/demo-upstream/catalog.js';
import { type DemoUpstream, startDemoUpstream } from '../src/demo-upstream/demo-upstream.js';
import { InsightInScopeDocument } from './gql/graphql.js';
import { uniquePrefix } from './helpers/redis.js';
import { type PrivateSentinel, startPrivateSentinel } from './helpers/redis-sentinel.js';
import { connectGateway, FIXED_NOW, TEST_API_KEY, type TestGateway } from './helpers/test-gateway.js';

describe('gateway instances on Redis through Sentinel', () => {
  let sentinel: PrivateSentinel;
  let upstream: DemoUpstream;
  let instances: TestGateway[] = [];
  beforeAll(async () => {
    [sentinel, upstream] = await Promise.all([
      startPrivateSentinel(),
      startDemoUpstream({ apiKey: TEST_API_KEY, clock: () => FIXED_NOW }),
    ]);
  }, 30_000);
  afterEach(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    instances = [];
    upstream.reset();
  });
  afterAll(async () => {
    await upstream?.close();
    await sentinel?.stop();
  });
  const startPair = () => {
    const env = {
      REDIS_SENTINELS: sentinel.sentinels,
      REDIS_SENTINEL_NAME: sentinel.name,
      REDIS_KEY_PREFIX: uniquePrefix(),
    };
    instances = [connectGateway(upstream, { env }), connectGateway(upstream, { env })];
    return { a: instances[0] as TestGateway, b: instances[1] as TestGateway, prefix: env.REDIS_KEY_PREFIX };
  };

  it("find the master through the sentinel, and share one instance's answer with the next", async () => {
    const { a, b, prefix } = startPair();
    await a.execute(InsightInScopeDocument, { id: '601583' });

    const fromB = await b.execute(InsightInScopeDocument, { id: '601583' });

    expect(fromB.data?.categoryInsight?.id).toBe('601583:all_regions:1');
    expect(fromB.extensions?.cost).toMatchObject({ upstreamCalls: 0, cacheHits: 1 });
    expect(upstream.calls).toHaveLength(1);
    const master = new Redis(await sentinel.masterUrl());
    try {
      expect(await master.exists(`${prefix}answer:insight-detail:601583:all_regions:1`)).toBe(1);
    } finally {
      master.disconnect();
    }
  });

  // Last: it kills the master.
  it('fail no query while the sentinel promotes the replica of a killed master, then share through it', async () => {
    const { a, b } = startPair();
    await a.execute(InsightInScopeDocument, { id: '601583' });
    const oldMaster = await sentinel.masterUrl();

    await sentinel.killMaster();
    let settled = false;
    const failover = sentinel.failedOver().finally(() => {
      settled = true;
    });
    // A new key every round, so each one goes through Redis while the replica takes over.
    const keys = ['US', 'GB', 'DE', 'FR', 'JP', 'ID', 'TH', 'VN', 'MY', 'PH'].flatMap((region) =>
      THIRD_LEVEL_IDS.map((id) => ({ id, region })),
    );
    const take = (key: (typeof keys)[number] | undefined) => {
      if (!key) throw new Error('out of unseen keys');
      return key;
    };
    const during: Array<{ errors?: unknown; data?: unknown }> = [];
    for (let round = 0; !settled && round < keys.length / 2; round++) {
      during.push(await (round % 2 === 0 ? a : b).execute(InsightInScopeDocument, take(keys.pop())));
      await sleep(20);
    }
    await failover;

    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((result) => result.errors !== undefined || !result.data)).toEqual([]);
    // Each try a key neither instance has seen: B can only have it from the new master.
    await expect
      .poll(
        async () => {
          const asked = take(keys.shift());
          await a.execute(InsightInScopeDocument, asked);
          return (await b.execute(InsightInScopeDocument, asked)).extensions?.cost;
        },
        { timeout: 10_000, interval: 200 },
      )
      .toMatchObject({ upstreamCalls: 0, cacheHits: 1 });
    expect(await sentinel.masterUrl()).not.toBe(oldMaster);
  }, 30_000);
});
