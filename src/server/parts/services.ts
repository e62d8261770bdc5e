import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { GatewayConfig } from '../../config/config.js';
import { createCreditLedger } from '../../loaders/budget/credit-ledger.js';
import { operationBudget } from '../../loaders/budget/operation-budget.js';
import { createRedisBooks } from '../../loaders/budget/redis-books.js';
import { CREDITS_PER_CALL } from '../../loaders/budget/request-cost.js';
import { createMemoryCache } from '../../loaders/cache/memory-cache.js';
import { createRedisCache, createTieredCache } from '../../loaders/cache/tiered-cache.js';
import { createCachedFetcher, type FetcherDeps } from '../../loaders/cached-fetcher.js';
import { createCategoryCatalog } from '../../loaders/category-catalog.js';
import { createFetchLease, type FetchLease } from '../../loaders/coalescing/fetch-lease.js';
import { createLeasedCall } from '../../loaders/coalescing/leased-call.js';
import { insightSource } from '../../loaders/insight-source.js';
import { createRefreshAhead } from '../../loaders/refresh-ahead.js';
import type { Fetchers } from '../../loaders/request-loaders.js';
import type { AnySource } from '../../loaders/source.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import { createRedis, skipWhileLost, watchRedis } from '../../redis/connection.js';
import { createFleetChannel } from '../../redis/fleet-channel.js';
import { createUpstream } from './upstream.js';

/** Every paid source the gateway serves; a new KeyAPI endpoint is one more line here. */
const SOURCES: readonly AnySource[] = [insightSource];

/**
 * How long an instance waiting on another's lease goes without looking, when no release wakes it:
 * a holder that died releases nothing, so this bounds a takeover at one lease plus this.
 */
const LEASE_POLL_MS = 200;

export interface ServiceDeps {
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
  metrics: Metrics;
}

/** The process-wide parts every request shares: Redis, KeyAPI behind its guards, books, caches, fetchers. */
export function createServices(config: GatewayConfig, deps: ServiceDeps) {
  const { clock, metrics } = deps;
  const redis = config.redis ? createRedis(config.redis) : undefined;
  const redisHealth = redis && watchRedis(redis, deps.logger);
  if (redis && redisHealth) skipWhileLost(redis, redisHealth);
  const onRedisError = (error: unknown) => redisHealth?.lost(error);
  const shared = redis && { redis, onError: onRedisError };
  const fleet =
    redis && config.redis ? createFleetChannel(redis, config.redis.keyPrefix, onRedisError) : undefined;
  const upstream = createUpstream(config, { ...deps, redis, fleet, onRedisError });
  const ledger = createCreditLedger(
    config.budgets,
    clock,
    redis && createRedisBooks(redis, randomUUID()),
    onRedisError,
  );
  // Whatever was spent while Redis was away is booked as soon as it is back.
  redisHealth?.onBack(() => void ledger.sync());
  const fetcherDeps: FetcherDeps = {
    keyapi: upstream.keyapi,
    cache: createTieredCache(createMemoryCache(config.cache), redis && createRedisCache(redis), onRedisError),
    ...(redis &&
      config.redis && {
        leased: leasedCall(config, createFetchLease(redis, config.redis.leaseMs, fleet), clock, onRedisError),
      }),
    budget: operationBudget(ledger, Math.floor(config.budgets.perOperation / CREDITS_PER_CALL)),
    policy: config.cache,
    clock,
    staleWhileRevalidate: config.cache.staleWhileRevalidate,
    onAsked: (source, id, key) => refreshAhead.asked(source, id, key),
    observe: observedIn(metrics),
  };
  const fetchers: Fetchers = new Map(
    SOURCES.map((source) => [source.name, createCachedFetcher(source, fetcherDeps)]),
  );
  const refreshAhead = createRefreshAhead(fetchers, ledger, clock, config.refreshAhead);
  return {
    upstream,
    ledger,
    fetchers,
    /** Redis for the stores that share through it, absent without Redis. */
    shared,
    catalog: createCategoryCatalog(shared && { shared }),
    redisState: () => redisHealth?.state(),
    async dispose() {
      refreshAhead.stop();
      await upstream.close();
      redisHealth?.stop();
      fleet?.close();
      redis?.disconnect();
    },
  };
}

export type Services = ReturnType<typeof createServices>;

function leasedCall(
  config: GatewayConfig,
  lease: FetchLease,
  clock: Clock,
  onSharedError: (error: unknown) => void,
) {
  return createLeasedCall({
    lease,
    // A live holder renews its lease for as long as its call may take, retries included.
    waitMs: config.retry.maxTotalMs + config.upstream.requestTimeoutMs,
    pollMs: LEASE_POLL_MS,
    monotonic: clock.monotonic,
    onSharedError,
  });
}

/** What the fetchers tell the metrics. */
function observedIn(metrics: Metrics): FetcherDeps['observe'] {
  return {
    lookup: (result) => metrics.cache.inc({ result }),
    coalesced: () => metrics.coalesced.inc(),
    refresh(trigger, outcome, credits) {
      metrics.refreshes.inc({ trigger, outcome });
      metrics.refreshCredits.inc({ trigger }, credits);
    },
  };
}
