/**
 * Warm path: the dashboard query answered from the cache, beside two baselines measured in the
 * same run: a bare node:http server returning the same bytes (the ceiling) and a plain yoga
 * server resolving the same data from memory (the stock stack).
 */
import { PRODUCTION_NODE_FLAGS, startChildServer } from './lib/child-server.js';
import { DASHBOARD_BODY } from './lib/dashboard-query.js';
import { type LoadResult, load } from './lib/load.js';

export async function warmPath(seconds: number, connections: number) {
  const gateway = await startChildServer('bench/servers/gateway.mjs', {}, PRODUCTION_NODE_FLAGS);
  const warmUp = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: DASHBOARD_BODY,
  });
  await warmUp.text();
  const cached = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: DASHBOARD_BODY,
  });
  const responseBody = await cached.text();
  const bare = await startChildServer('bench/servers/bare-http.mjs', { RESPONSE_BODY: responseBody });
  const yoga = await startChildServer('bench/servers/plain-yoga.mjs');

  const results: Record<string, LoadResult> = {};
  try {
    for (const [name, server] of [
      ['bare node:http (ceiling)', bare],
      ['plain graphql-yoga (stock stack)', yoga],
      ['gateway, warm cache', gateway],
    ] as const) {
      // A short run first, so each server is measured with its JIT warm.
      await load(`${server.url}/graphql`, DASHBOARD_BODY, 2, connections);
      results[name] = await load(`${server.url}/graphql`, DASHBOARD_BODY, seconds, connections);
    }
  } finally {
    await Promise.all([gateway.stop(), bare.stop(), yoga.stop()]);
  }
  const gatewayRps = results['gateway, warm cache']?.requestsPerSecond ?? 0;
  return {
    responseBytes: Buffer.byteLength(responseBody),
    results,
    ratios: {
      gatewayOverPlainYoga: round(
        gatewayRps / (results['plain graphql-yoga (stock stack)']?.requestsPerSecond ?? 1),
      ),
      gatewayOverBareHttp: round(gatewayRps / (results['bare node:http (ceiling)']?.requestsPerSecond ?? 1)),
    },
  };
}

const round = (value: number) => Math.round(value * 100) / 100;
