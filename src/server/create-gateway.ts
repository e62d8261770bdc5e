import { setTimeout as sleep } from 'node:timers/promises';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { GatewayConfig } from '../config.js';
import { createCategoryCatalog } from '../loaders/category-catalog.js';
import { createMemoryLedger, createRedisLedger } from '../loaders/credit-ledger.js';
import { createFetchLease } from '../loaders/fetch-lease.js';
import { createMemoryCache } from '../loaders/insight-cache.js';
import { createInsightFetcher } from '../loaders/insight-fetcher.js';
import { createInsightLoader } from '../loaders/insight-loader.js';
import { createRedisCache, createTieredCache } from '../loaders/redis-insight-cache.js';
import { CREDITS_PER_CALL, RequestCost } from '../loaders/request-cost.js';
import { createDegradationReporter, createGatewayLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { createRedis } from '../redis-connection.js';
import type { GatewayContext } from '../schema/builder.js';
import { maskGatewayError } from '../schema/errors.js';
import { schema } from '../schema/index.js';
import { CircuitBreaker } from '../upstream/circuit-breaker.js';
import { ConcurrencyGate } from '../upstream/concurrency-gate.js';
import { guardInsightClient } from '../upstream/guarded-client.js';
import { createInsightClient } from '../upstream/insight-client.js';
import { createMemoryTakeToken, createRateLimiter } from '../upstream/rate-limiter.js';
import { createRedisTakeToken } from '../upstream/redis-token-bucket.js';
import { useClientAuth } from './client-auth-plugin.js';
import { identifyClient, type ServerContext } from './client-identity.js';
import { useCostExtension } from './cost-extension-plugin.js';
import { useCreditPrecheck } from './credit-precheck-plugin.js';
import { GRAPHIQL_DEFAULT_QUERY } from './graphiql-default-query.js';
import { useHealth } from './health-plugin.js';
import { createOfflineGraphiQL } from './offline-graphiql.js';
import { useOperationTelemetry } from './operation-telemetry-plugin.js';
import { useRequestBody } from './request-body.js';
import { requestIdOf, useRequestId } from './request-id.js';
import { useResponseCache } from './response-cache-plugin.js';
import { useTrustedDocuments } from './trusted-documents.js';
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
export type Gateway = YogaServerInstance<ServerContext, RequestContext>;

/** Headers any real client can send to prove a request is not a cross-site form post. */
const CSRF_HEADERS = [
  'x-graphql-yoga-csrf',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'graphql-preflight',
];

/**
 * Builds the gateway without listening: tests call `gateway.fetch` in-process, `main.ts` hands
 * it to `node:http`. `gateway.dispose()` closes the upstream connections and Redis.
 */
export function createGateway(config: GatewayConfig, deps: GatewayDeps = {}): Gateway {
  const clock = deps.clock ?? (() => new Date());
  const wait = deps.sleep ?? ((ms: number) => sleep(ms));
  const logger = createGatewayLogger(config, deps.logDestination);
  const metrics = createMetrics();
  const redis = config.redis ? createRedis(config.redis) : undefined;
  const onRedisError = createDegradationReporter(logger, 'Redis');

  const breaker = new CircuitBreaker(config.breaker, clock);
  const memoryToken = createMemoryTakeToken(config.rateLimit);
  const client = createInsightClient(config.upstream);
  const guarded = guardInsightClient(client, {
    breaker,
    gate: new ConcurrencyGate(config.concurrency),
    rateLimiter: createRateLimiter(
      redis ? createRedisTakeToken(redis, config.rateLimit, memoryToken, onRedisError) : memoryToken,
      wait,
    ),
    retry: config.retry,
    queueTimeoutMs: config.concurrency.queueTimeoutMs,
    sleep: wait,
    now: Date.now,
    observe: {
      attempt(outcome, status, seconds) {
        metrics.upstreamCalls.inc({ outcome, status: String(status) });
        metrics.upstreamLatency.observe(seconds);
        metrics.credits.inc(CREDITS_PER_CALL);
        logger.debug({ outcome, status, durationMs: Math.round(seconds * 1000) }, 'upstream attempt');
      },
      retry: () => metrics.retries.inc(),
    },
  });
  const catalog = createCategoryCatalog();

  const memoryLedger = createMemoryLedger(config.budgets, clock);
  const ledger = redis
    ? createRedisLedger(redis, config.budgets, clock, memoryLedger, onRedisError)
    : memoryLedger;
  const fetcher = createInsightFetcher({
    client: guarded,
    cache: createTieredCache(createMemoryCache(config.cache), redis && createRedisCache(redis), onRedisError),
    lease: redis && config.redis ? createFetchLease(redis, config.redis.leaseMs) : undefined,
    leaseWaitMs: config.redis?.leaseMs ?? 0,
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

  const graphiql = createOfflineGraphiQL();

  return createYoga<ServerContext, RequestContext>({
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
      config.server.graphiql && graphiql.compression,
      useHealth({
        upstreamState: () => breaker.state(),
        pingRedis: redis && (() => redis.ping()),
        metrics,
        refreshGauges: async () => {
          metrics.budgetLeft.set((await ledger.remaining('')).global);
        },
      }),
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
      EnvelopArmorPlugin({
        maxDepth: { n: config.armor.maxDepth },
        maxAliases: { n: config.armor.maxAliases },
        maxTokens: { n: config.armor.maxTokens },
        maxDirectives: { n: config.armor.maxDirectives },
        // Credits, not field weights, are what an operation costs here: the pre-check below prices them.
        costLimit: { enabled: false },
      }),
      useCreditPrecheck({ fetcher, ledger, perOperationCredits: config.budgets.perOperation, clock }),
      useCostExtension(),
      {
        onDispose: async () => {
          await client.close();
          redis?.disconnect();
        },
      },
    ],
  });
}
