/**
 * Credits a dashboard workload spends under each configuration, against the embedded stand-in.
 * `npm run bench:credits` prints a table and writes bench/results/credits.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseConfig } from '../src/config/config.js';
import { THIRD_LEVEL_IDS } from '../src/demo-upstream/catalog.js';
import { startDemoUpstream } from '../src/demo-upstream/demo-upstream.js';
import { createGateway, type Gateway } from '../src/server/create-gateway.js';
import { deleteKeys } from '../test/helpers/redis.js';

const API_KEY = 'bench-key';
const CLIENTS = 20;
const ROUNDS = 5;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What one dashboard page load asks: four cards, a category tree, two pages of posts. */
function pageLoad(client: number, round: number): string[] {
  const ids = THIRD_LEVEL_IDS;
  const card = (id: string, alias: string) =>
    `${alias}: categoryInsight(id: "${id}", region: "US", timeScope: 7) { id title audienceAges { ageRange score } hashtags }`;
  const pick = (offset: number) => ids[(client + round + offset) % 8] as string;
  return [
    `{ ${card(pick(0), 'a')} ${card(pick(1), 'b')} ${card(pick(2), 'c')} ${card(pick(3), 'd')} }`,
    `{ categoryInsight(id: "${pick(0)}", region: "US", timeScope: 7) { category { path { name } insight(region: "US", timeScope: 30) { id } } } }`,
    `{ categoryInsight(id: "${pick(1)}", region: "us", timeScope: "7") { posts(first: 10) { pageInfo { endCursor } nodes { id } } } }`,
  ];
}

async function run(
  name: string,
  env: Record<string, string>,
  options: { instances: number; concurrent: boolean },
): Promise<{
  name: string;
  operations: number;
  upstreamCalls: number;
  credits: number;
  distinctKeys: number;
}> {
  const upstream = await startDemoUpstream({ apiKey: API_KEY, latencyMs: 50 });
  const prefix = `bench:${randomUUID()}:`;
  const gateways: Gateway[] = Array.from({ length: options.instances }, () => {
    const parsed = parseConfig({
      KEYAPI_API_KEY: API_KEY,
      KEYAPI_BASE_URL: upstream.url,
      REDIS_KEY_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      ...env,
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    return createGateway(parsed.config);
  });
  const send = async (client: number, query: string) => {
    const gateway = gateways[client % gateways.length] as Gateway;
    const response = await gateway.yoga.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    const body = await response.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  let operations = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const loads = Array.from({ length: CLIENTS }, (_, client) =>
      pageLoad(client, round).map((query) => [client, query] as const),
    ).flat();
    operations += loads.length;
    if (options.concurrent) await Promise.all(loads.map(([client, query]) => send(client, query)));
    else for (const [client, query] of loads) await send(client, query);
  }
  const distinctKeys = new Set(upstream.calls.map((call) => `${call.id}:${call.region}:${call.timeScope}`))
    .size;
  const upstreamCalls = upstream.calls.length;
  await Promise.all(gateways.map((gateway) => gateway.dispose()));
  await upstream.close();
  if (env.REDIS_URL) await deleteKeys(env.REDIS_URL, prefix);
  return { name, operations, upstreamCalls, credits: upstreamCalls * 2, distinctKeys };
}

const NO_CACHE = {
  CACHE_TTL_1_MS: '0',
  CACHE_TTL_7_MS: '0',
  CACHE_TTL_30_MS: '0',
  CACHE_TTL_MONTH_MS: '0',
  CACHE_STALE_GRACE_MS: '0',
};
const UNLIMITED = {
  CREDIT_BUDGET_PER_CLIENT_DAILY: '1000000',
  CREDIT_BUDGET_GLOBAL_DAILY: '1000000',
  KEYAPI_MAX_QPS: '1000',
};

const results = [
  await run(
    'per-operation batching only (no cache, requests one at a time)',
    { ...UNLIMITED, ...NO_CACHE },
    { instances: 1, concurrent: false },
  ),
  await run(
    '+ coalescing (no cache, concurrent page loads)',
    { ...UNLIMITED, ...NO_CACHE },
    { instances: 1, concurrent: true },
  ),
  await run('+ cache (the default)', UNLIMITED, { instances: 1, concurrent: true }),
  await run('2 instances, no Redis', UNLIMITED, { instances: 2, concurrent: true }),
  await run('2 instances sharing Redis', { ...UNLIMITED, REDIS_URL }, { instances: 2, concurrent: true }),
];

console.log(
  `\nWorkload: ${CLIENTS} dashboards × ${ROUNDS} page loads × 3 operations; stand-in latency 50 ms\n`,
);
console.log('| configuration | operations | upstream calls | credits | distinct keys |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const r of results)
  console.log(`| ${r.name} | ${r.operations} | ${r.upstreamCalls} | ${r.credits} | ${r.distinctKeys} |`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/credits.json', import.meta.url),
  `${JSON.stringify({ clients: CLIENTS, rounds: ROUNDS, results }, null, 2)}\n`,
);
