import { setTimeout as sleep } from 'node:timers/promises';
import { createYoga, type YogaLogger, type YogaServerInstance } from 'graphql-yoga';
import { type Clock, systemClock } from '../clock.js';
import type { GatewayConfig } from '../config/config.js';
import { RequestCost } from '../loaders/budget/request-cost.js';
import { createInsightLoader } from '../loaders/insight-loader.js';
import { createRequestLoaders } from '../loaders/request-loaders.js';
import { containsSecret, createGatewayLogger, gatewaySecrets, type Logger } from '../logger.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { GRAPHQL_PATH } from '../request-path.js';
import type { GatewayContext } from '../schema/builder.js';
import { maskGatewayError } from '../schema/errors.js';
import { schema } from '../schema/index.js';
import { useOperationSpan } from '../telemetry/operation-span.js';
import { tracingEnabled } from '../telemetry/tracer.js';
import { identifyClient, type ServerContext } from './client-identity.js';
import { GRAPHIQL_DEFAULT_QUERY } from './graphiql/default-query.js';
import { createOfflineGraphiQL, type OfflineGraphiQL } from './graphiql/offline-graphiql.js';
import type { MetricsSource } from './metrics-listener.js';
import { boundedParserCache } from './parser-cache.js';
import { metricsSource, readinessOf } from './parts/readiness.js';
import { createServices, type Services } from './parts/services.js';
import { useAutomaticPersistedQueries } from './plugins/automatic-persisted-queries.js';
import { useClientAuth } from './plugins/client-auth.js';
import { useCostExtension } from './plugins/cost-extension.js';
import { useCreditPrecheck } from './plugins/credit-precheck.js';
import { useCSRFPrevention } from './plugins/csrf-prevention.js';
import { type ReadinessSources, useHealth } from './plugins/health.js';
import { useHttpCaching } from './plugins/http-caching.js';
import { useIncrementalDelivery } from './plugins/incremental-delivery.js';
import { useOperationLimits } from './plugins/operation-limits.js';
import { useOperationTelemetry } from './plugins/operation-telemetry.js';
import { useRequestBody } from './plugins/request-body.js';
import { requestIdOf, useRequestId } from './plugins/request-id.js';
import { useResponseCache } from './plugins/response-cache.js';
import { useRootPath } from './plugins/root-path.js';
import { operationNamesOf, useTrustedDocuments } from './plugins/trusted-documents.js';

export interface GatewayDeps {
  /** The gateway's one clock; tests freeze or move its wall time. */
  clock?: Clock;
  /** How the gateway waits between retries and for other instances; tests may record the waits. */
  sleep?: (ms: number) => Promise<void>;
  /** The process's logger; one is made from the config when absent. */
  logger?: Logger;
  /** Where JSON log lines go when the gateway makes its own logger; stdout when omitted. */
  logDestination?: NodeJS.WritableStream;
}

export type RequestContext = GatewayContext & { cost: RequestCost };

export interface Gateway {
  /** The public GraphQL server: a `node:http` listener, with `fetch` for in-process calls. */
  readonly yoga: YogaServerInstance<ServerContext, RequestContext>;
  /** Prometheus text for the metrics listener, which stays off the public port. */
  readonly metrics: MetricsSource;
  /** After SIGTERM: `/ready` answers 503 so load balancers stop sending, while requests in flight finish. */
  drain(): void;
  /** Closes the upstream connections and Redis. */
  dispose(): Promise<void>;
}

/** Headers any real client can send to prove a request is not a cross-site form post. */
const CSRF_HEADERS = [
  'x-graphql-yoga-csrf',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'graphql-preflight',
];

/**
 * The composition root. Builds the gateway without listening: tests call `gateway.yoga.fetch`
 * in-process; `main.ts` hands `gateway.yoga` to `node:http` and `gateway.metrics` to the
 * metrics listener. The plugins are listed in the order a request meets them.
 */
export function createGateway(config: GatewayConfig, deps: GatewayDeps = {}): Gateway {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createGatewayLogger(config, deps.logDestination);
  const metrics = createMetrics({
    isSecret: containsSecret(gatewaySecrets(config)),
    ...(config.trustedDocuments && { knownOperationNames: operationNamesOf(config.trustedDocuments) }),
  });
  metrics.budget.set(config.budgets.global);
  const services = createServices(config, {
    clock,
    sleep: deps.sleep ?? ((ms) => sleep(ms)),
    logger,
    metrics,
  });
  let draining = false;
  const readiness = readinessOf(services, clock, () => draining);
  const graphiql = createOfflineGraphiQL();

  const yoga = createYoga<ServerContext, RequestContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    // Yoga's own health check answers an empty 200; useHealth answers `/health` with JSON.
    healthCheckEndpoint: '/yoga-health',
    logging: yogaLogging(logger),
    landingPage: false,
    batching: false,
    // useRequestBody caps bodies instead, without re-streaming each one (see request-body.ts).
    maxRequestBodySize: false,
    parserAndValidationCache: boundedParserCache(),
    graphiql: config.server.graphiql && {
      title: 'TikTok Shop Insights GraphQL',
      defaultQuery: GRAPHIQL_DEFAULT_QUERY,
      headers: JSON.stringify({ 'x-graphql-yoga-csrf': '1' }),
    },
    renderGraphiQL: graphiql.render,
    maskedErrors: { maskError: maskGatewayError },
    // One set of loaders and one cost account per request: batching never leaks data between clients.
    context: ({ request, ...server }) => {
      const cost = new RequestCost(identifyClient(request, server, config.auth), requestIdOf(request));
      const now = clock.now();
      const loaders = createRequestLoaders(services.fetchers, cost, now);
      return { cost, loaders, insights: createInsightLoader(loaders, now, services.catalog) };
    },
    plugins: plugins(config, { services, readiness, metrics, logger, clock, graphiql }),
  });

  return {
    yoga,
    metrics: metricsSource(metrics, readiness, services),
    drain: () => {
      draining = true;
    },
    dispose: async () => {
      await yoga.dispose();
    },
  };
}

interface PluginParts {
  services: Services;
  readiness: ReadinessSources;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  graphiql: OfflineGraphiQL;
}

/** The plugins in the order a request meets them, each with why it sits there. */
function plugins(
  config: GatewayConfig,
  { services, readiness, metrics, logger, clock, graphiql }: PluginParts,
) {
  return [
    // First, so every later hook, resolver and log line runs inside the operation's span; absent when tracing is off.
    tracingEnabled() && useOperationSpan(),
    // Every response, refusals included, carries the ID the logs and KeyAPI's know it by.
    useRequestId(),
    // Caching headers and 304s on every GraphQL answer as it leaves, replays included.
    useHttpCaching({ clock, authenticated: config.auth.tokens.size > 0 }),
    // Paths that are not GraphQL answer before anything GraphQL runs.
    useRootPath(config.server.graphiql),
    config.server.graphiql && graphiql.assets,
    useHealth(readiness),
    // A fresh replay skips everything below: the dashboard's warm path.
    config.responseCache.maxEntries > 0 &&
      useResponseCache({
        ...config.responseCache,
        maxAgeMs: config.cache.ttlMs['1'],
        maxRequestBytes: config.armor.maxRequestBytes,
        tokens: config.auth.tokens,
        clock,
        metrics,
        logger,
      }),
    // The body is capped before anything reads it.
    useRequestBody(config.armor.maxRequestBytes),
    // Sees every operation from here on, refused ones included.
    useOperationTelemetry(logger, metrics, clock.monotonic),
    // Refusals that need no parsing: an unknown client, a cross-site request.
    useClientAuth(config.auth.tokens),
    useCSRFPrevention(CSRF_HEADERS),
    // Trusted mode runs only the manifest's documents, so no client may register its own.
    config.trustedDocuments
      ? useTrustedDocuments(config.trustedDocuments)
      : useAutomaticPersistedQueries({ shared: services.shared }),
    // Parsing and validation: depth, aliases, directives, tokens.
    useOperationLimits(config.armor),
    // @defer and @stream: the directives join the executed schema; later payloads' errors are masked too.
    useIncrementalDelivery(maskGatewayError),
    // Before execution, in time linear in the document: arguments, and the least the operation costs.
    useCreditPrecheck({
      fetchers: services.fetchers,
      ledger: services.ledger,
      perOperationCredits: config.budgets.perOperation,
      clock,
    }),
    useCostExtension(),
    { onDispose: () => services.dispose() },
  ];
}

/** Yoga's own messages, through the gateway's logger. */
function yogaLogging(logger: Logger): YogaLogger {
  return {
    debug: (...args) => logger.debug(args.join(' ')),
    info: (...args) => logger.info(args.join(' ')),
    warn: (...args) => logger.warn(args.join(' ')),
    error: (error, ...rest) => logger.error({ err: error, details: rest }, 'unexpected error'),
  };
}
