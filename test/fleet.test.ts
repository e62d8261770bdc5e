import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THIRD_LEVEL_IDS } from '../src/demo-upstream/catalog.js';
import { type DemoUpstream, startDemoUpstream } from '../src/demo-upstream/demo-upstream.js';
import { fleetEnv, type GatewayFleet, startGatewayFleet } from './helpers/gateway-fleet.js';
import {
  type AskedKey,
  ask,
  askEach,
  callsFor,
  failures,
  insightId,
  keysOf,
} from './helpers/insight-load.js';
import { uniquePrefix } from './helpers/redis.js';
import { type PrivateCluster, startPrivateCluster } from './helpers/redis-cluster.js';
import { TEST_API_KEY } from './helpers/test-gateway.js';

/** Long enough for a slow machine to finish a window's load inside it. */
const FRESH_MS = 6_000;
const INSTANCES = 3;
const [TEN_IDS, OTHER_TEN_IDS] = [THIRD_LEVEL_IDS.slice(0, 10), THIRD_LEVEL_IDS.slice(10, 20)];
// Each case asks keys no other case asked, so every count starts at zero.
const WARM_UP_KEYS = keysOf(TEN_IDS.slice(0, INSTANCES), ['JP']);
const WINDOW_KEYS = keysOf(TEN_IDS, ['all_regions', 'US', 'GB']);
const TAKEOVER_KEY: AskedKey = { id: OTHER_TEN_IDS[0] as string, region: 'FR' };
const BEFORE_KILL_KEYS = keysOf(OTHER_TEN_IDS, ['DE']);
const AFTER_KILL_KEYS = keysOf(OTHER_TEN_IDS, ['IT', 'ES']);

describe('three gateway processes on one Redis Cluster behind a round-robin', () => {
  let cluster: PrivateCluster;
  let upstream: DemoUpstream;
  let fleet: GatewayFleet;
  let prefix: string;

  /** Ten asks of each key, thirty at once, spread over the fleet. */
  const load = (keys: readonly AskedKey[], onAnswer?: (answered: number) => void) =>
    askEach(fleet.balancer.url, keys, { times: 10, concurrency: 30, ...(onAnswer && { onAnswer }) });
  const paidFor = (keys: readonly AskedKey[]) => callsFor(upstream.calls, keys).length;

  beforeAll(async () => {
    prefix = uniquePrefix();
    [cluster, upstream] = await Promise.all([
      startPrivateCluster(),
      startDemoUpstream({ apiKey: TEST_API_KEY, latencyMs: 100 }),
    ]);
    const env = { upstreamUrl: upstream.url, apiKey: TEST_API_KEY, clusterNodes: cluster.nodes };
    fleet = await startGatewayFleet(INSTANCES, fleetEnv({ ...env, keyPrefix: prefix, freshMs: FRESH_MS }));
    // Each process's first request compiles and connects what the measured ones then use.
    await Promise.all(WARM_UP_KEYS.map((key) => ask(fleet.balancer.url, key)));
    upstream.reset();
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
    await upstream?.close();
    await cluster?.stop();
  });

  it('pays once per distinct key in each freshness window, whichever instance is asked', async () => {
    const counted = [...fleet.balancer.counts];
    const first = await load(WINDOW_KEYS);

    expect(failures(first)).toEqual([]);
    expect(paidFor(WINDOW_KEYS)).toBe(WINDOW_KEYS.length);
    expect(fleet.balancer.counts.map((count, index) => count - (counted[index] ?? 0))).toEqual([
      100, 100, 100,
    ]);

    await sleep(FRESH_MS + 500);
    const second = await load(WINDOW_KEYS);

    expect(failures(second)).toEqual([]);
    expect(paidFor(WINDOW_KEYS)).toBe(2 * WINDOW_KEYS.length);
  }, 30_000);

  it('lets another instance take over the lease of an instance killed during its call', async () => {
    const [holder, waiter] = fleet.instances;
    if (!holder || !waiter) throw new Error('the fleet has fewer than two instances');
    upstream.setFault(TAKEOVER_KEY.id, { kind: 'delay', ms: 3_000 }, 1);

    const neverAnswered = ask(holder.url, TAKEOVER_KEY);
    await expect
      .poll(() => cluster.keys(`${prefix}lease:`), { interval: 20 })
      .toEqual([`${prefix}lease:insight-detail:${insightId(TAKEOVER_KEY)}`]);
    await expect.poll(() => paidFor([TAKEOVER_KEY]), { interval: 20 }).toBe(1);
    const takenOver = ask(waiter.url, TAKEOVER_KEY);
    await holder.stop('SIGKILL');
    const answer = await takenOver;

    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ categoryInsight: { id: insightId(TAKEOVER_KEY) } });
    expect(answer.extensions?.cost).toMatchObject({ upstreamCalls: 1, coalesced: 0 });
    expect(paidFor([TAKEOVER_KEY])).toBe(2);
    expect((await neverAnswered).status).toBe(0);
  }, 20_000);

  // Last: it takes a master away for good, and runs on the instances the previous case left.
  it('answers every query while a Redis master is killed under load, each live instance paying at most once a key', async () => {
    const live = fleet.instances.length - 1;
    const victim = `${prefix}answer:insight-detail:${insightId(AFTER_KILL_KEYS[0] as AskedKey)}`;
    let killed: Promise<void> | undefined;

    const during = await load(BEFORE_KILL_KEYS, (answered) => {
      if (answered === 30) killed = cluster.killMasterOf(victim);
    });
    await killed;
    const after = await load(AFTER_KILL_KEYS);

    expect(failures([...during, ...after])).toEqual([]);
    const keys = [...BEFORE_KILL_KEYS, ...AFTER_KILL_KEYS];
    expect(paidFor(keys)).toBeGreaterThanOrEqual(keys.length);
    expect(paidFor(keys)).toBeLessThanOrEqual(live * keys.length);
  }, 30_000);
});
