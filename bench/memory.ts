/**
 * Memory: peak resident size of the gateway process under load, and once its insight cache
 * holds its full 10,000 entries.
 */
import { PRODUCTION_NODE_FLAGS, startChildServer } from './lib/child-server.js';
import { DASHBOARD_BODY } from './lib/dashboard-query.js';
import { load } from './lib/load.js';

const IDS = [
  '601583',
  '601584',
  '601590',
  '601459',
  '601465',
  '601470',
  '601170',
  '601171',
  '601195',
  '601196',
  '601755',
  '601757',
  '601810',
  '601812',
  '600015',
  '600016',
  '700510',
  '700512',
  '603030',
  '603031',
];

function regions(count: number): string[] {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return Array.from(
    { length: count },
    (_, index) => `${letters[Math.floor(index / 26)]}${letters[index % 26]}`,
  );
}

export async function memory(seconds: number, connections: number) {
  const gateway = await startChildServer(
    'bench/servers/gateway.mjs',
    {
      GATEWAY_ENV_CREDIT_BUDGET_PER_OPERATION: '1000',
    },
    PRODUCTION_NODE_FLAGS,
  );
  try {
    const idleMb = gateway.peakRssMb();
    await load(`${gateway.url}/graphql`, DASHBOARD_BODY, seconds, connections);
    const underLoadMb = gateway.peakRssMb();
    // 20 categories × 500 regions = 10,000 distinct keys, 20 per operation.
    let entries = 0;
    for (const region of regions(500)) {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `query ($ids: [ID!]!, $region: Region) { categoryInsights(ids: $ids, region: $region) { id hashtags } }`,
          variables: { ids: IDS, region },
        }),
      });
      const body = await response.json();
      entries += (body.data?.categoryInsights ?? []).filter(Boolean).length;
    }
    return { idleMb, underLoadMb, fullCacheEntries: entries, withFullCacheMb: gateway.peakRssMb() };
  } finally {
    await gateway.stop();
  }
}
