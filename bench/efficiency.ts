/**
 * Upstream efficiency: calls and credits for a fan-out workload (aliases, lists, nested
 * `insight`) through the gateway, against the minimum (one call per distinct key) and against
 * a naive baseline that calls the upstream once per field.
 */
import { createYoga } from 'graphql-yoga';
import { systemClock } from '../src/clock.js';
import { parseConfig } from '../src/config/config.js';
import { startDemoUpstream } from '../src/demo-upstream/demo-upstream.js';
import { toCategoryInsight } from '../src/domain/category-insight.js';
import { type InsightKey, parseInsightKeyId } from '../src/domain/insight-key.js';
import type { InsightLoader } from '../src/loaders/insight-loader.js';
import { insightSource } from '../src/loaders/insight-source.js';
import { schema } from '../src/schema/index.js';
import { createGateway } from '../src/server/create-gateway.js';
import { insightDetail } from '../src/upstream/endpoints/insight-detail.js';
import { createKeyApiClient } from '../src/upstream/keyapi-client.js';

export const FAN_OUT_OPERATIONS: Array<string | { query: string; variables: Record<string, unknown> }> = [
  `{ a: categoryInsight(id: "601583", region: "US", timeScope: 7) { id } b: categoryInsight(id: "601583", region: "us", timeScope: "7") { id }
     c: categoryInsight(id: "601584", region: "US", timeScope: 7) { id category { insight(region: "US", timeScope: 7) { id } } } }`,
  `{ categoryInsights(ids: ["601583", "601584", "601590", "601583", "601459"], region: "US", timeScope: "7") { id
       category { lastMonth: insight(region: "US", timeScope: 30) { id } sameScope: insight(region: "US", timeScope: 7) { id } } } }`,
  `{ x: categoryInsight(id: "601590", region: "GB") { id category { us: insight(region: "US") { id } gb: insight(region: "GB") { id } } }
     y: categoryInsight(id: "601590", region: "gb") { title } }`,
  {
    // A router resolving references: 24 representations of 6 distinct keys, two spellings each.
    query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on CategoryInsight { id title } } }',
    variables: {
      r: ['601583', '601584', '601590', '601459', '601465', '601470'].flatMap((id) => [
        { __typename: 'CategoryInsight', id: `${id}:US:7` },
        { __typename: 'CategoryInsight', categoryId: id, region: 'us', timeScope: '7' },
        { __typename: 'CategoryInsight', id: `${id}:US:7` },
        { __typename: 'CategoryInsight', categoryId: `0${id}`, region: 'US', timeScope: '7' },
      ]),
    },
  },
];

async function run(makeFetch: (baseUrl: string) => (body: string) => Promise<unknown>) {
  const upstream = await startDemoUpstream({ apiKey: 'bench-key' });
  const send = makeFetch(upstream.url);
  for (const operation of FAN_OUT_OPERATIONS) {
    await send(JSON.stringify(typeof operation === 'string' ? { query: operation } : operation));
  }
  const calls = upstream.calls.length;
  const distinct = new Set(upstream.calls.map((call) => `${call.id}:${call.region}:${call.timeScope}`)).size;
  await upstream.close();
  return { calls, distinct };
}

const viaYoga = (fetchFn: (request: Request) => Promise<Response> | Response) => async (body: string) => {
  const response = await fetchFn(
    new Request('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    }),
  );
  const result = await response.json();
  if (result.errors) throw new Error(JSON.stringify(result.errors));
};

export async function efficiency() {
  const gateway = await run((baseUrl) => {
    const parsed = parseConfig({
      KEYAPI_API_KEY: 'bench-key',
      KEYAPI_BASE_URL: baseUrl,
      LOG_LEVEL: 'silent',
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const { yoga } = createGateway(parsed.config);
    return viaYoga((request) => yoga.fetch(request));
  });

  // The naive baseline: the same schema, but every field that needs an insight calls the upstream itself.
  const naive = await run((baseUrl) => {
    const client = createKeyApiClient(
      {
        baseUrl,
        apiKey: 'bench-key',
        connectTimeoutMs: 5_000,
        headersTimeoutMs: 5_000,
        bodyTimeoutMs: 5_000,
        requestTimeoutMs: 10_000,
        maxResponseBytes: 1_048_576,
        connections: 16,
      },
      systemClock,
    );
    const now = new Date();
    const loadKey = async (key: InsightKey) =>
      toCategoryInsight(key, await client.call(insightDetail, insightSource.params(key)), now);
    const insights: InsightLoader = {
      load: async (args) => loadKey(insightSource.keyOf({ ...args }, now)),
      loadId: (id) => loadKey(parseInsightKeyId(id, now)),
      category: async (id) => {
        const category = (await loadKey(insightSource.keyOf({ id }, now))).categoryPath.at(-1);
        if (!category) throw new Error(`no category ${String(id)}`);
        return category;
      },
    };
    const yoga = createYoga({ schema, context: () => ({ insights }), logging: false });
    return viaYoga((request) => yoga.fetch(request));
  });

  return {
    operations: FAN_OUT_OPERATIONS.length,
    minimum: { calls: gateway.distinct, credits: gateway.distinct * 2 },
    gateway: { calls: gateway.calls, credits: gateway.calls * 2 },
    naive: { calls: naive.calls, credits: naive.calls * 2 },
  };
}
