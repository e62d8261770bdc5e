import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../config.js';
import { createCategoryCatalog } from '../loaders/category-catalog.js';
import { type CreditLedger, createCreditLedger, createRedisBooks } from '../loaders/credit-ledger.js';
import { createFetchLease } from '../loaders/fetch-lease.js';
import { createMemoryCache } from '../loaders/insight-cache.js';
import { createInsightFetcher } from '../loaders/insight-fetcher.js';
import { createInsightLoader } from '../loaders/insight-loader.js';
import { createRedisCache, createTieredCache } from '../loaders/redis-insight-cache.js';
import { CREDITS_PER_CALL, RequestCost } from '../loaders/request-cost.js';
import { containsSecret, createGatewayLogger, type Logger } from '../logger.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { createRedis, watchRedis } from '../redis-connection.js';
import type { GatewayContext } from '../schema/builder.js';
import { maskGatewayError } from '../schema/errors.js';
import { schema } from '../schema/index.js';
import { CircuitBreaker } from '../upstream/circuit-breaker.js';
import { ConcurrencyGate } from '../upstream/concurrency-gate.js';
import { type GuardedInsightClient, guardInsightClient } from '../upstream/guarded-client.js';
import { createInsightClient } from '../upstream/insight-client.js';
import { createMemoryRateStore, createRateLimiter } from '../upstream/rate-limiter.js';
import { createRedisRateStore } from '../upstream/redis-rate-store.js';
import { useClientAuth } from './client-auth-plugin.js';
import { identifyClient, type ServerContext } from './client-identity.js';
import { useCostExtension } from './cost-extension-plugin.js';
import { useCreditPrecheck } from './credit-precheck-plugin.js';
import { GRAPHIQL_DEFAULT_QUERY } from './graphiql-default-query.js';
import { useHealth } from './health-plugin.js';
import type { MetricsSource } from './metrics-listener.js';
import { createOfflineGraphiQL } from './offline-graphiql.js';
import { useOperationLimits } from './operation-limits.js';
import { useOperationTelemetry } from './operation-telemetry-plugin.js';
import { boundedParserCache } from './parser-cache.js';
import { useRequestBody } from './request-body.js';
import { requestIdOf, useRequestId } from './request-id.js';
import { useResponseCache } from './response-cache-plugin.js';
import { operationNamesOf, useTrustedDocuments } from './trusted-documents.js';
import { useAutomaticPersistedQueries } from './use-automatic-persisted-queries.js';

export interface GatewayDeps {
  /** The gateway's clock: decides which months are available, stamps `fetchedAt`, ages the cache. */
  clock?: () => Date;
  /** How the gateway waits between retries and for other instances; tests may record the waits. */
  sleep?: (ms: number) => Promise<void>;
  /** Where JSON log lines go; stdout when omitted. */
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

interface Parts {
  config: GatewayConfig;
  clock: () => Date;
  wait: (ms: number) => Promise<void>;
  logger: Logger;
  metrics: Metrics;
  redis: Redis | undefined;
  onRedisError: (error: unknown) => void;
}

/** KeyAPI behind its guards, with every transition and failed attempt told to the operator. */
function createUpstream({ config, clock, wait, logger, metrics, redis, onRedisError }: Parts) {
  const host = new URL(config.upstream.baseUrl).host;
  const breaker = new CircuitBreaker(config.breaker, clock, (transition, state) => {
    const until = 'until' in state ? state.until.toISOString() : undefined;
    if (transition === 'opened') logger.warn({ until }, 'Upstream circuit opened: KeyAPI calls fail fast');
    if (transition === 'closed') logger.info('Upstream circuit closed: KeyAPI answers again');
    if (transition === 'paused')
      logger.warn({ until }, 'KeyAPI credits are exhausted (402): upstream calls paused');
    if (transition === 'resumed') logger.info('The 402 pause is over: upstream calls resume');
  });
  const memoryRate = createMemoryRateStore(config.rateLimit, config.cooldown);
  const rateLimiter = createRateLimiter(
    redis
      ? createRedisRateStore(redis, config.rateLimit, config.cooldown, memoryRate, onRedisError)
      : memoryRate,
    wait,
    (transition, ms) =>
      transition === 'started'
        ? logger.warn({ cooldownMs: ms }, 'KeyAPI rate limit (429): upstream calls cool down, then one probe')
        : logger.info('The 429 cool-down is over: upstream calls resume'),
  );
  const client = createInsightClient(config.upstream);
  const guarded = guardInsightClient(client, {
    breaker,
    gate: new ConcurrencyGate(config.concurrency),
    rateLimiter,
    retry: config.retry,
    queueTimeoutMs: config.concurrency.queueTimeoutMs,
    sleep: wait,
    now: Date.now,
    observe: {
      attempt(report) {
        metrics.upstreamCalls.inc({ outcome: report.outcome, status: String(report.status) });
        metrics.upstreamLatency.observe(report.seconds);
        if (report.sent) metrics.credits.inc(CREDITS_PER_CALL);
        const { error } = report;
        logger.debug(
          {
            host,
            attempt: report.attempt,
            outcome: report.outcome,
            status: report.status,
            durationMs: Math.round(report.seconds * 1000),
            ...(error && {
              reason: error.reason,
              sent: report.sent,
              upstreamCode: error.upstreamCode,
              upstreamMessage: error.upstreamMessage,
            }),
          },
          error ? 'upstream attempt failed' : 'upstream attempt',
        );
      },
      retry: () => metrics.retries.inc(),
    },
  });
  return { breaker, rateLimiter, guarded, close: () => client.close() };
}

/** The process-wide insight fetcher: caches, coalescing, the cross-instance lease, budgets. */
function createFetcher(parts: Parts, guarded: GuardedInsightClient, ledger: CreditLedger) {
  const { config, clock, wait, metrics, redis, onRedisError } = parts;
  return createInsightFetcher({
    client: guarded,
    cache: createTieredCache(createMemoryCache(config.cache), redis && createRedisCache(redis), onRedisError),
    lease: redis && config.redis ? createFetchLease(redis, config.redis.leaseMs) : undefined,
    // A live holder renews its lease for as long as its call may take, retries included.
    leaseWaitMs: config.retry.maxTotalMs + config.upstream.requestTimeoutMs,
    ledger,
    policy: config.cache,
    maxCallsPerOperation: Math.floor(config.budgets.perOperation / CREDITS_PER_CALL),
    clock,
    sleep: wait,
    onSharedError: onRedisError,
    observe: {
      lookup: (result) => metrics.cache.inc({ result }),
      coalesced: () => metrics.coalesced.inc(),
    },
  });
}

/**
 * Builds the gateway without listening: tests call `gateway.yoga.fetch` in-process, `main.ts`
 * hands `gateway.yoga` to `node:http` and `gateway.metrics` to the metrics listener.
 */
export function createGateway(config: GatewayConfig, deps: GatewayDeps = {}): Gateway {
  const clock = deps.clock ?? (() => new Date());
  const wait = deps.sleep ?? ((ms: number) => sleep(ms));
  const logger = createGatewayLogger(config, deps.logDestination);
  const metrics = createMetrics({
    isSecret: containsSecret([config.upstream.apiKey, ...config.auth.tokens.keys()]),
    ...(config.trustedDocuments && { knownOperationNames: operationNamesOf(config.trustedDocuments) }),
  });
  const redis = config.redis ? createRedis(config.redis) : undefined;
  const redisHealth = redis ? watchRedis(redis, logger) : undefined;
  const parts: Parts = {
    config,
    clock,
    wait,
    logger,
    metrics,
    redis,
    onRedisError: (error) => redisHealth?.lost(error),
  };

  const upstream = createUpstream(parts);
  const ledger = createCreditLedger(
    config.budgets,
    clock,
    redis && createRedisBooks(redis, randomUUID()),
    parts.onRedisError,
  );
  // Whatever was spent while Redis was away is booked as soon as it is back.
  redisHealth?.onBack(() => void ledger.sync());
  const fetcher = createFetcher(parts, upstream.guarded, ledger);
  const catalog = createCategoryCatalog();
  let draining = false;
  const readiness = {
    draining: () => draining,
    upstream: () => upstream.breaker.state(),
    coolingUntil: () => upstream.rateLimiter.coolingUntil(),
    redis: () => REDIS_STATUS[redisHealth?.state() ?? 'none'],
  };

  const graphiql = createOfflineGraphiQL();

  const yoga = createYoga<ServerContext, RequestContext>({
    schema,
    graphqlEndpoint: '/graphql',
    // Yoga's own health check answers an empty 200; useHealth answers `/health` with JSON.
    healthCheckEndpoint: '/yoga-health',
    logging: {
      debug: (...args) => logger.debug(args.join(' ')),
      info: (...args) => logger.info(args.join(' ')),
      warn: (...args) => logger.warn(args.join(' ')),
      error: (error, ...rest) => logger.error({ err: error, details: rest }, 'unexpected error'),
    },
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
    // One loader and one cost account per request: batching never leaks data between clients.
    context: ({ request, ...server }) => {
      const cost = new RequestCost(identifyClient(request, server, config.auth), requestIdOf(request));
      return { cost, insights: createInsightLoader(fetcher, clock(), cost, catalog) };
    },
    plugins: [
      useRequestId(),
      config.server.graphiql && graphiql.assets,
      useHealth(readiness),
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
      useRequestBody(config.armor.maxRequestBytes),
      useOperationTelemetry(logger, metrics),
      useClientAuth(config.auth.tokens),
      useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
      // Trusted mode runs only the manifest's documents, so no client may register its own.
      config.trustedDocuments ? useTrustedDocuments(config.trustedDocuments) : useAutomaticPersistedQueries(),
      useOperationLimits(config.armor),
      useCreditPrecheck({ fetcher, ledger, perOperationCredits: config.budgets.perOperation, clock }),
      useCostExtension(),
      {
        onDispose: async () => {
          await upstream.close();
          redisHealth?.stop();
          redis?.disconnect();
        },
      },
    ],
  });

  return {
    yoga,
    metrics: {
      contentType: metrics.registry.contentType,
      async text() {
        const state = readiness.upstream().state;
        metrics.breakerState.set(BREAKER_VALUE[state]);
        metrics.redisUp.set(readiness.redis() === 'unreachable' ? 0 : 1);
        metrics.cooldownSeconds.set(Math.max(0, readiness.coolingUntil() - Date.now()) / 1000);
        metrics.budgetLeft.set((await ledger.remaining('')).global);
        return metrics.registry.metrics();
      },
    },
    drain: () => {
      draining = true;
    },
    dispose: async () => {
      await yoga.dispose();
    },
  };
}

const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2, paused: 3 } as const;
const REDIS_STATUS = {
  none: 'not configured',
  connecting: 'connecting',
  up: 'ok',
  lost: 'unreachable',
} as const;
