import { once } from 'node:events';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseConfig } from './config/config.js';
import { type DemoUpstream, startDemoUpstream } from './demo-upstream/demo-upstream.js';
import { createGatewayLogger } from './logger.js';
import { createGateway } from './server/create-gateway.js';
import { metricsListener } from './server/metrics-listener.js';

const SHUTDOWN_GRACE_MS = 10_000;

const parsed = parseConfig(process.env);
if (!parsed.ok) {
  console.error(`Invalid configuration:\n${parsed.errors.map((error) => `  - ${error}`).join('\n')}`);
  process.exit(1);
}
// Before the gateway is built: its plugins and guard stages decide once whether to trace. Off, the SDK is never loaded.
const { otlpEndpoint, serviceName } = parsed.config.tracing;
const tracing = otlpEndpoint
  ? (await import('./telemetry/tracing.js')).startTracing({ otlpEndpoint, serviceName })
  : undefined;
const logger = createGatewayLogger(parsed.config);

let demo: DemoUpstream | undefined;
let config = parsed.config;
if (config.demo) {
  demo = await startDemoUpstream({ latencyMs: config.demo.latencyMs });
  // A new config pointing at the stand-in: the parsed one stays as it was read.
  config = { ...config, upstream: { ...config.upstream, baseUrl: demo.url, apiKey: 'demo-key' } };
  logger.info(
    `Demo mode: KEYAPI_API_KEY is not set, so upstream calls go to the embedded KeyAPI stand-in at ${demo.url} (synthetic data, no credits spent).`,
  );
} else {
  logger.info(`Upstream: KeyAPI at ${new URL(config.upstream.baseUrl).origin}`);
}

const gateway = createGateway(config, { logger });
const server = createServer(gateway.yoga);
const metricsServer = createServer(metricsListener(gateway.metrics));

/** Listens, or exits with a line that says which variable to change (a busy port, say). */
async function listen(listener: typeof server, port: number, variable: string): Promise<number> {
  listener.listen(port, config.server.host);
  try {
    await once(listener, 'listening');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    logger.fatal(
      `Cannot listen on ${config.server.host}:${port} (${code ?? 'error'}): set ${variable} to a free port`,
    );
    process.exit(1);
  }
  const address = listener.address();
  return typeof address === 'object' && address ? address.port : port;
}

const port = await listen(server, config.server.port, 'PORT');
const metricsPort = await listen(metricsServer, config.server.metricsPort, 'METRICS_PORT');
logger.info(
  { port, metricsPort, graphiql: config.server.graphiql },
  `TikTok Shop insights gateway ready: GraphQL at http://localhost:${port}/graphql${config.server.graphiql ? ' (GraphiQL in a browser)' : ''}, metrics at http://localhost:${metricsPort}/metrics`,
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  gateway.drain();
  logger.info(`${signal} received: /ready now answers 503; finishing in-flight requests, then stopping.`);
  // Load balancers take a probe interval or two to notice; until then new requests still arrive.
  if (config.server.shutdownDelayMs > 0) await sleep(config.server.shutdownDelayMs);
  const forced = setTimeout(() => {
    logger.warn(`Requests still running after ${SHUTDOWN_GRACE_MS} ms; closing them.`);
    server.closeAllConnections();
  }, SHUTDOWN_GRACE_MS).unref();
  // A connection kept alive after its last response would hold `close` until its keep-alive timeout.
  const reapIdle = setInterval(() => server.closeIdleConnections(), 50);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  clearInterval(reapIdle);
  clearTimeout(forced);
  metricsServer.closeAllConnections();
  await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
  await gateway.dispose();
  await demo?.close();
  await tracing?.shutdown();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
