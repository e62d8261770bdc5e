/**
 * Cold path: every request misses every cache and goes upstream. The latency a server adds is
 * its own p50/p99 minus that of the stand-in it calls, both measured with the same client, one
 * request of each in turn. Four servers are measured this way in the same run, each in front of
 * its own in-process stand-in: the gateway; plain yoga forwarding each request to the stand-in
 * (the stock stack); graphql-js's bare `execute` over node:http (the floor for any GraphQL
 * server); and node:http forwarding without GraphQL (the floor for any server: one HTTP hop).
 *
 * The gateway's response cache stays on, as in production, and misses: each request carries a
 * variable of its own (unused by the operation), so its body, the cache's key, is new. Each
 * server first answers WARMUP_REQUESTS untimed requests, 32 at a time, so the figures are those
 * of a server that has run for a while, not of V8 compiling its code.
 */
import { Pool } from 'undici';
import { PRODUCTION_NODE_FLAGS, startChildServer } from './lib/child-server.js';
import { DASHBOARD_QUERY, DASHBOARD_VARIABLES } from './lib/dashboard-query.js';
import { round2, timeInterleaved } from './lib/percentiles.js';

const WARMUP_REQUESTS = 500;
const WARMUP_CONCURRENCY = 32;

const NO_CACHE = {
  GATEWAY_ENV_CACHE_TTL_1_MS: '0',
  GATEWAY_ENV_CACHE_TTL_7_MS: '0',
  GATEWAY_ENV_CACHE_TTL_30_MS: '0',
  GATEWAY_ENV_CACHE_TTL_MONTH_MS: '0',
  GATEWAY_ENV_CACHE_STALE_GRACE_MS: '0',
  GATEWAY_ENV_CREDIT_BUDGET_PER_OPERATION: '1000000',
};

const BASELINES = {
  'plain yoga forwarding': 'bench/servers/plain-yoga-upstream.mjs',
  'graphql-js over node:http': 'bench/servers/graphql-js-upstream.mjs',
  'node:http forwarding, no GraphQL': 'bench/servers/http-forwarding.mjs',
};

export async function coldPath(upstreamLatencyMs: number, count: number) {
  const servers: Record<string, Awaited<ReturnType<typeof addedLatency>>> = {
    gateway: await addedLatency('bench/servers/gateway.mjs', upstreamLatencyMs, count, (body) => {
      if (!body.includes('"upstreamCalls":1'))
        throw new Error(`expected one upstream call per request: ${body.slice(0, 200)}`);
    }),
  };
  for (const [name, script] of Object.entries(BASELINES)) {
    servers[name] = await addedLatency(script, upstreamLatencyMs, count);
  }
  return { upstreamLatencyMs, servers };
}

/** Starts `script` (a server with its own stand-in) and times the stand-in, then the server. */
async function addedLatency(
  script: string,
  upstreamLatencyMs: number,
  count: number,
  check: (body: string) => void = () => {},
) {
  const server = await startChildServer(
    script,
    { ...NO_CACHE, UPSTREAM_LATENCY_MS: String(upstreamLatencyMs) },
    PRODUCTION_NODE_FLAGS,
  );
  const upstreamUrl = new URL(server.info.upstream as string);
  const toServer = new Pool(server.url, { connections: 1 });
  const toUpstream = new Pool(upstreamUrl.origin, { connections: 1 });
  const query = new URLSearchParams({
    id: DASHBOARD_VARIABLES.id,
    region: DASHBOARD_VARIABLES.region,
    time_scope: DASHBOARD_VARIABLES.timeScope,
  });
  const askStandIn = async (pool: Pool) => {
    const response = await pool.request({
      method: 'GET',
      path: `/v1/tiktok/insights/product/detail?${query}`,
      headers: { authorization: 'Bearer bench-key' },
    });
    await response.body.text();
  };
  let nonce = 0;
  const askServer = async (pool: Pool, timed = true) => {
    const response = await pool.request({
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
    if (!body.includes('"categoryInsight":{"id"')) throw new Error(`no data: ${body.slice(0, 200)}`);
    // Concurrent warm-up requests for one key share a call, so only timed ones are checked.
    if (timed) check(body);
  };
  try {
    await warmUp(server.url, (pool) => askServer(pool, false));
    // Interleaved, one of each in turn, so a change in the machine's state mid-run (this VM's
    // speed drifts by tens of percent over a minute) weighs on both series alike.
    const [standIn, through] = await timeInterleaved(
      () => askStandIn(toUpstream),
      () => askServer(toServer),
      count,
    );
    return {
      standIn,
      server: through,
      addedMs: { p50: round2(through.p50 - standIn.p50), p99: round2(through.p99 - standIn.p99) },
    };
  } finally {
    await toServer.close();
    await toUpstream.close();
    await server.stop();
  }
}

/** Untimed requests, several at a time, until V8 has compiled the hot path. */
async function warmUp(url: string, ask: (pool: Pool) => Promise<void>) {
  const pool = new Pool(url, { connections: WARMUP_CONCURRENCY });
  try {
    for (let sent = 0; sent < WARMUP_REQUESTS; sent += WARMUP_CONCURRENCY) {
      await Promise.all(Array.from({ length: WARMUP_CONCURRENCY }, () => ask(pool)));
    }
  } finally {
    await pool.close();
  }
}
