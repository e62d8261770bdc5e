// The stock stack on the cold path: graphql-yoga with defaults and the same compiled schema,
// each insight fetched from the same in-process stand-in with undici, decoded with the same
// envelope schema. No cache, DataLoader, budgets, limits or plugins: the least a yoga server in
// front of KeyAPI does, as a baseline for the latency the gateway adds.
import { createServer } from 'node:http';
import { createYoga } from 'graphql-yoga';
import { Pool } from 'undici';
import { startDemoUpstream } from '../../dist/demo-upstream/demo-upstream.js';
import { toCategoryInsight } from '../../dist/domain/category-insight.js';
import { toInsightKey } from '../../dist/domain/insight-key.js';
import { schema } from '../../dist/schema/index.js';
import { envelopeSchema, successDataSchema } from '../../dist/upstream/envelope.js';

const upstream = await startDemoUpstream({
  apiKey: 'bench-key',
  latencyMs: Number(process.env.UPSTREAM_LATENCY_MS ?? 0),
  jitter: 0,
});
const pool = new Pool(upstream.url, { connections: 64 });

async function fetchInsight(key) {
  const query = new URLSearchParams({ time_scope: key.timeScope, region: key.region, id: key.categoryId });
  const response = await pool.request({
    method: 'GET',
    path: `/v1/tiktok/insights/product/detail?${query}`,
    headers: { authorization: 'Bearer bench-key', accept: 'application/json' },
  });
  const envelope = envelopeSchema.parse(await response.body.json());
  const info = successDataSchema.parse(envelope.data).info;
  return toCategoryInsight(key, info, new Date());
}

const insights = {
  load: (args) =>
    fetchInsight(
      toInsightKey(
        { id: args.id, region: args.region ?? 'all_regions', timeScope: args.timeScope ?? '1' },
        new Date(),
      ),
    ),
  loadKey: fetchInsight,
};

const server = createServer(createYoga({ schema, context: () => ({ insights }), logging: false }));
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port, upstream: upstream.url }));
});
