/**
 * Cold path: every request misses every cache and goes upstream. The latency the gateway adds
 * is its own p50/p99 minus the stand-in's, each measured sequentially with the same client.
 * The response cache stays on, as in production, and misses: each request carries a variable
 * of its own (unused by the operation), so its body, the cache's key, is new.
 */
import { Pool } from 'undici';
import { PRODUCTION_NODE_FLAGS, startChildServer } from './lib/child-server.js';
import { DASHBOARD_QUERY, DASHBOARD_VARIABLES } from './lib/dashboard-query.js';
import { round2, timeSequential } from './lib/percentiles.js';

const NO_CACHE = {
  GATEWAY_ENV_CACHE_TTL_1_MS: '0',
  GATEWAY_ENV_CACHE_TTL_7_MS: '0',
  GATEWAY_ENV_CACHE_TTL_30_MS: '0',
  GATEWAY_ENV_CACHE_TTL_MONTH_MS: '0',
  GATEWAY_ENV_CACHE_STALE_GRACE_MS: '0',
  GATEWAY_ENV_CREDIT_BUDGET_PER_OPERATION: '1000000',
};

export async function coldPath(upstreamLatencyMs: number, count: number) {
  const gateway = await startChildServer(
    'bench/servers/gateway.mjs',
    {
      ...NO_CACHE,
      UPSTREAM_LATENCY_MS: String(upstreamLatencyMs),
    },
    PRODUCTION_NODE_FLAGS,
  );
  const upstreamUrl = new URL(gateway.info.upstream as string);
  const toGateway = new Pool(gateway.url, { connections: 1 });
  const toUpstream = new Pool(upstreamUrl.origin, { connections: 1 });
  const query = new URLSearchParams({
    id: DASHBOARD_VARIABLES.id,
    region: DASHBOARD_VARIABLES.region,
    time_scope: DASHBOARD_VARIABLES.timeScope,
  });
  try {
    const direct = await timeSequential(async () => {
      const response = await toUpstream.request({
        method: 'GET',
        path: `/v1/tiktok/insights/product/detail?${query}`,
        headers: { authorization: 'Bearer bench-key' },
      });
      await response.body.text();
    }, count);
    let nonce = 0;
    const throughGateway = await timeSequential(async () => {
      const response = await toGateway.request({
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: DASHBOARD_QUERY,
          variables: { ...DASHBOARD_VARIABLES, nonce: nonce++ },
          operationName: 'InsightCard',
        }),
      });
      const body = await response.body.text();
      if (!body.includes('"upstreamCalls":1'))
        throw new Error(`expected one upstream call per request: ${body.slice(0, 200)}`);
    }, count);
    return {
      upstreamLatencyMs,
      standIn: direct,
      gateway: throughGateway,
      addedMs: { p50: round2(throughGateway.p50 - direct.p50), p99: round2(throughGateway.p99 - direct.p99) },
    };
  } finally {
    await toGateway.close();
    await toUpstream.close();
    await gateway.stop();
  }
}
