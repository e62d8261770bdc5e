import { expect, it } from 'vitest';
import { THIRD_LEVEL_IDS } from '../../src/demo-upstream/catalog.js';
import { InsightInScopeDocument } from '../gql/graphql.js';
import type { useGatewayInstances } from './gateway-instances.js';

type Instances = ReturnType<typeof useGatewayInstances>;

/**
 * The cases every Redis topology must pass with two instances: one call per key, a shared cache,
 * a shared QPS limit and a shared lease. `keys(prefix)` lists what the instances wrote.
 */
export function itSharesOneRedis(shared: Instances, keys: (prefix: string) => Promise<string[]>) {
  const start = (env: Record<string, string> = {}) => shared.start(env);

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
    expect(shared.upstream.calls).toHaveLength(1);
    expect(results.reduce((sum, result) => sum + (result.extensions?.cost?.upstreamCalls ?? 0), 0)).toBe(1);
  });

  it("serve one instance's answer from the other's cache, under the key prefix", async () => {
    const [a, b] = [start(), start()];

    await a.execute(InsightInScopeDocument, { id: '601584' });
    const fromB = await b.execute(InsightInScopeDocument, { id: '601584' });

    expect(fromB.data?.categoryInsight?.id).toBe('601584:all_regions:1');
    expect(fromB.extensions?.cost).toMatchObject({ upstreamCalls: 0, cacheHits: 1 });
    expect(shared.upstream.calls).toHaveLength(1);
    expect(await keys(`${shared.prefix}answer:`)).toEqual([
      `${shared.prefix}answer:insight-detail:601584:all_regions:1`,
    ]);
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
    const arrivals = shared.upstream.calls.map((call) => call.at).sort((x, y) => x - y);
    expect(arrivals).toHaveLength(6);
    const first = arrivals[0] as number;
    // Lower bounds only: a slow machine makes the gaps longer, never shorter. The slack is the
    // first calls' own delay: they also open the connections to the upstream.
    arrivals.slice(2).forEach((at, index) => {
      expect(at - first).toBeGreaterThanOrEqual((index + 1) * 500 - 150);
    });
  });

  it('keep waiting for a live holder whose call outlasts its lease, because it renews it', async () => {
    const [a, b] = [start({ REDIS_LEASE_MS: '400' }), start({ REDIS_LEASE_MS: '400' })];
    shared.upstream.setFault('601590', { kind: 'delay', ms: 1_500 }, 1);

    const first = a.execute(InsightInScopeDocument, { id: '601590' });
    await expect
      .poll(() => keys(`${shared.prefix}lease:`), { interval: 20 })
      .toEqual([`${shared.prefix}lease:insight-detail:601590:all_regions:1`]);
    const second = await b.execute(InsightInScopeDocument, { id: '601590' });

    expect((await first).data?.categoryInsight?.id).toBe('601590:all_regions:1');
    expect(second.data?.categoryInsight?.id).toBe('601590:all_regions:1');
    expect(second.extensions?.cost).toMatchObject({ upstreamCalls: 0, coalesced: 1 });
    expect(shared.upstream.calls).toHaveLength(1);
  });
}
