import { once } from 'node:events';
import { createServer } from 'node:http';
import { parseConfig } from './config.js';
import { type DemoUpstream, startDemoUpstream } from './demo-upstream/demo-upstream.js';
import { createGatewayLogger } from './logger.js';
import { createGateway } from './server/create-gateway.js';

const SHUTDOWN_GRACE_MS = 10_000;

const parsed = parseConfig(process.env);
if (!parsed.ok) {
  console.error(`Invalid configuration:\n${parsed.errors.map((error) => `  - ${error}`).join('\n')}`);
  process.exit(1);
}
const { config } = parsed;
const logger = createGatewayLogger(config);

let demo: DemoUpstream | undefined;
if (config.demo) {
  demo = await startDemoUpstream({ latencyMs: config.demo.latencyMs });
  config.upstream = { ...config.upstream, baseUrl: demo.url, apiKey: 'demo-key' };
  logger.info(
    `Demo mode: KEYAPI_API_KEY is not set, so upstream calls go to the embedded KeyAPI stand-in at ${demo.url} (synthetic data, no credits spent).`,
  );
}

const gateway = createGateway(config);
const server = createServer(gateway);
server.listen(config.server.port, config.server.host);
await once(server, 'listening');
const address = server.address();
const port = typeof address === 'object' && address ? address.port : config.server.port;
logger.info(`TikTok Shop insights gateway ready: GraphiQL at http://localhost:${port}/graphql`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info(`${signal} received: finishing in-flight requests, then stopping.`);
  const forced = setTimeout(() => {
    logger.warn(`Requests still running after ${SHUTDOWN_GRACE_MS} ms; closing them.`);
    server.closeAllConnections();
  }, SHUTDOWN_GRACE_MS).unref();
  // A connection kept alive after its last response would hold `close` until its keep-alive timeout.
  const reapIdle = setInterval(() => server.closeIdleConnections(), 50);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  clearInterval(reapIdle);
  clearTimeout(forced);
  await gateway.dispose();
  await demo?.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
