// The gateway over HTTP in front of the stand-in at UPSTREAM_URL, or an embedded one when that
// is unset, configured for load. Plain JavaScript over the compiled dist/, as production runs
// it: no TypeScript loader in memory. Logging stays at its default level (info: a line per
// operation), as operators run it.
import { createServer } from 'node:http';
import { parseConfig } from '../../dist/config/config.js';
import { startDemoUpstream } from '../../dist/demo-upstream/demo-upstream.js';
import { createGateway } from '../../dist/server/create-gateway.js';

const upstream = process.env.UPSTREAM_URL
  ? { url: process.env.UPSTREAM_URL }
  : await startDemoUpstream({
      apiKey: 'bench-key',
      latencyMs: Number(process.env.UPSTREAM_LATENCY_MS ?? 0),
      jitter: 0,
    });
const overrides = Object.fromEntries(
  Object.entries(process.env)
    .filter(([key]) => key.startsWith('GATEWAY_ENV_'))
    .map(([key, value]) => [key.slice('GATEWAY_ENV_'.length), value]),
);
const parsed = parseConfig({
  KEYAPI_API_KEY: 'bench-key',
  KEYAPI_BASE_URL: upstream.url,
  KEYAPI_MAX_QPS: '100000',
  KEYAPI_MAX_CONCURRENCY: '64',
  CREDIT_BUDGET_PER_CLIENT_DAILY: '100000000',
  CREDIT_BUDGET_GLOBAL_DAILY: '100000000',
  ...overrides,
});
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
// As main.ts does: the SDK is registered before the gateway is built, and only when asked for.
const { otlpEndpoint, serviceName } = parsed.config.tracing;
if (otlpEndpoint)
  (await import('../../dist/telemetry/tracing.js')).startTracing({ otlpEndpoint, serviceName });
const server = createServer(createGateway(parsed.config).yoga);
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port, upstream: upstream.url }));
});
