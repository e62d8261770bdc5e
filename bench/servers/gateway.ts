/** The gateway over HTTP in front of its embedded stand-in, configured for load. */
import { createServer } from 'node:http';
import { parseConfig } from '../../src/config.js';
import { startDemoUpstream } from '../../src/demo-upstream/demo-upstream.js';
import { createGateway } from '../../src/server/create-gateway.js';

const upstream = await startDemoUpstream({
  apiKey: 'bench-key',
  latencyMs: Number(process.env.UPSTREAM_LATENCY_MS ?? 0),
});
const parsed = parseConfig({
  KEYAPI_API_KEY: 'bench-key',
  KEYAPI_BASE_URL: upstream.url,
  LOG_LEVEL: 'warn',
  KEYAPI_MAX_QPS: '100000',
  KEYAPI_MAX_CONCURRENCY: '64',
  CREDIT_BUDGET_PER_CLIENT_DAILY: '100000000',
  CREDIT_BUDGET_GLOBAL_DAILY: '100000000',
  ...Object.fromEntries(
    Object.entries(process.env)
      .filter(([key]) => key.startsWith('GATEWAY_ENV_'))
      .map(([key, value]) => [key.slice(12), value as string]),
  ),
});
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const server = createServer(createGateway(parsed.config));
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  console.log(JSON.stringify({ port: address.port, upstream: upstream.url }));
});
