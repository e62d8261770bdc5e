// What every cold-path baseline shares: the stand-in at UPSTREAM_URL (or one in this process
// when that is unset), and insights fetched from it with undici and decoded with the gateway's
// own envelope schema, one call per insight.
import { Pool } from 'undici';
import { startDemoUpstream } from '../../dist/demo-upstream/demo-upstream.js';
import { toCategoryInsight } from '../../dist/domain/category-insight.js';
import { toInsightKey } from '../../dist/domain/insight-key.js';
import { insightDetail } from '../../dist/upstream/endpoints/insight-detail.js';
import { envelopeSchema } from '../../dist/upstream/envelope.js';

export const upstream = process.env.UPSTREAM_URL
  ? { url: process.env.UPSTREAM_URL }
  : await startDemoUpstream({
      apiKey: 'bench-key',
      latencyMs: Number(process.env.UPSTREAM_LATENCY_MS ?? 0),
      jitter: 0,
    });
const pool = new Pool(upstream.url, { connections: 64 });

export async function fetchInsight(key) {
  const query = new URLSearchParams({ time_scope: key.timeScope, region: key.region, id: key.categoryId });
  const response = await pool.request({
    method: 'GET',
    path: `/v1/tiktok/insights/product/detail?${query}`,
    headers: { authorization: 'Bearer bench-key', accept: 'application/json' },
  });
  const envelope = envelopeSchema.parse(await response.body.json());
  const info = insightDetail.data.parse(envelope.data);
  return toCategoryInsight(key, info, new Date());
}

/** The loader the schema's resolvers expect, without batching or caching. */
export const insights = {
  load: (args) =>
    fetchInsight(
      toInsightKey(
        { id: args.id, region: args.region ?? 'all_regions', timeScope: args.timeScope ?? '1' },
        new Date(),
      ),
    ),
  loadKey: fetchInsight,
};

/** The request body, parsed as JSON. */
export async function readJson(request) {
  let body = '';
  for await (const chunk of request) body += chunk;
  return JSON.parse(body);
}

/** Answers 200 with `value` as JSON. */
export function sendJson(response, value) {
  const text = JSON.stringify(value);
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Prints the ready line `startChildServer` waits for. */
export function announce(server) {
  console.log(JSON.stringify({ port: server.address().port, upstream: upstream.url }));
}
