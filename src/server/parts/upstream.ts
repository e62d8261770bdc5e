import type { Clock } from '../../clock.js';
import type { GatewayConfig } from '../../config/config.js';
import { CREDITS_PER_CALL } from '../../loaders/budget/request-cost.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import type { RedisClient } from '../../redis/connection.js';
import type { FleetChannel } from '../../redis/fleet-channel.js';
import { describeAttempt, tracedAttempts } from '../../telemetry/attempt-span.js';
import { createKeyApiClient, guardedKeyApi, type KeyApi } from '../../upstream/keyapi-client.js';
import { type AttemptReport, reported } from '../../upstream/resilience/attempt-report.js';
import { failFastWhileOpen, judgedBy } from '../../upstream/resilience/breaker-stages.js';
import { CircuitBreaker } from '../../upstream/resilience/circuit-breaker.js';
import { ConcurrencyGate, queued } from '../../upstream/resilience/concurrency-gate.js';
import { shareBreaker } from '../../upstream/resilience/fleet-breaker.js';
import { budgeted, createGuard } from '../../upstream/resilience/guard.js';
import {
  createMemoryRateStore,
  createRateLimiter,
  failFastWhileCooling,
  paced,
  type RateLimiter,
} from '../../upstream/resilience/rate-limiter.js';
import { createRedisRateStore } from '../../upstream/resilience/redis-rate-store.js';
import { retried } from '../../upstream/resilience/retry-policy.js';

export interface UpstreamParts {
  keyapi: KeyApi;
  breaker: CircuitBreaker;
  rateLimiter: RateLimiter;
  close(): Promise<void>;
}

export interface UpstreamDeps {
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
  metrics: Metrics;
  redis: RedisClient | undefined;
  /** Where instances tell each other what they learn; absent without Redis. */
  fleet: FleetChannel | undefined;
  onRedisError: (error: unknown) => void;
}

/** KeyAPI behind its guards, every stage in the order an attempt meets it, outermost first. */
export function createUpstream(config: GatewayConfig, deps: UpstreamDeps): UpstreamParts {
  const { clock, sleep, logger, metrics } = deps;
  const breaker = new CircuitBreaker(config.breaker, clock, (transition, state, origin) => {
    const fields = { from: origin === 'here' ? 'this instance' : 'another instance' };
    const until = 'until' in state ? state.until.toISOString() : undefined;
    if (transition === 'opened')
      logger.warn({ ...fields, until }, 'Upstream circuit opened: KeyAPI calls fail fast');
    if (transition === 'closed') logger.info(fields, 'Upstream circuit closed: KeyAPI answers again');
    if (transition === 'paused')
      logger.warn({ ...fields, until }, 'KeyAPI credits are exhausted (402): upstream calls paused');
    if (transition === 'resumed') logger.info('The 402 pause is over: upstream calls resume');
    if (origin === 'here') tellFleet?.(transition, state);
  });
  const tellFleet =
    deps.redis &&
    deps.fleet &&
    shareBreaker(breaker, { redis: deps.redis, fleet: deps.fleet, clock, onError: deps.onRedisError });
  const memoryRate = createMemoryRateStore(config.rateLimit, config.cooldown, clock);
  const rateStore = deps.redis
    ? createRedisRateStore(deps.redis, config.rateLimit, config.cooldown, memoryRate, deps.onRedisError)
    : memoryRate;
  const rateLimiter = createRateLimiter(rateStore, sleep, clock, (transition, ms) =>
    transition === 'started'
      ? logger.warn({ cooldownMs: ms }, 'KeyAPI rate limit (429): upstream calls cool down, then one probe')
      : logger.info('The 429 cool-down is over: upstream calls resume'),
  );
  const client = createKeyApiClient(config.upstream, clock);
  const guard = createGuard([
    // Each retry runs every stage below again: a retry is a new, separately paid attempt.
    retried(config.retry, sleep, clock.monotonic, () => metrics.retries.inc()),
    // An open circuit or the fleet's 429 cool-down fails before the call queues for anything.
    failFastWhileOpen(breaker),
    failFastWhileCooling(rateLimiter),
    // At most KEYAPI_MAX_CONCURRENCY in flight, behind a bounded, timed queue.
    queued(new ConcurrencyGate(config.concurrency)),
    // The provider's QPS, shared through Redis; tells the cool-down what came back.
    paced(rateLimiter, config.concurrency.queueTimeoutMs),
    // Claims the half-open probe, then judges what the attempt met.
    judgedBy(breaker),
    // Last before the call leaves, so a call refused or timed out above costs nothing.
    budgeted,
    // A span per attempt, active while it leaves so the call carries its traceparent; absent when tracing is off.
    tracedAttempts,
    reported(reportAttempt(new URL(config.upstream.baseUrl).host, logger, metrics), clock.monotonic),
  ]);
  return { keyapi: guardedKeyApi(client, guard), breaker, rateLimiter, close: () => client.close() };
}

/** Every attempt in the metrics; a failed one in a debug line that says where and why. */
function reportAttempt(host: string, logger: Logger, metrics: Metrics) {
  return (report: AttemptReport) => {
    metrics.upstreamCalls.inc({ outcome: report.outcome, status: String(report.status) });
    metrics.upstreamLatency.observe(report.seconds);
    if (report.sent) metrics.credits.inc(CREDITS_PER_CALL);
    describeAttempt(report);
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
  };
}
