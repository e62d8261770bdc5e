import type { CircuitBreaker } from './circuit-breaker.js';
import type { ConcurrencyGate } from './concurrency-gate.js';
import type { InsightInfo } from './envelope.js';
import type { InsightClient, InsightRequest } from './insight-client.js';
import type { RateLimiter } from './rate-limiter.js';
import { type RetryPolicy, retryDelay } from './retry-policy.js';
import { UpstreamError } from './upstream-error.js';

export interface AttemptHooks {
  /** Runs just before each attempt leaves, once it is admitted; throwing stops the call (budgets). */
  beforeAttempt?: () => Promise<void> | void;
}

export interface GuardedInsightClient {
  fetchInsight(request: InsightRequest, hooks?: AttemptHooks): Promise<InsightInfo>;
}

export interface GuardOptions {
  breaker: CircuitBreaker;
  gate: ConcurrencyGate;
  rateLimiter: RateLimiter;
  retry: RetryPolicy;
  /** The longest an attempt waits for a rate-limit token. */
  queueTimeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Told about every attempt that left, with its outcome; and about every retry. */
  observe: {
    attempt(outcome: string, status: number, seconds: number): void;
    retry(): void;
  };
}

/**
 * Every attempt passes, in order: the circuit breaker, the concurrency gate, the rate limiter,
 * the caller's budget hook. Transient failures are retried per the retry policy; each attempt
 * is a separate paid call.
 */
export function guardInsightClient(client: InsightClient, options: GuardOptions): GuardedInsightClient {
  const { breaker, gate, rateLimiter, retry, sleep, now, observe } = options;

  const attempt = (request: InsightRequest, hooks: AttemptHooks) =>
    gate.run(async () => {
      await rateLimiter.acquire(now() + options.queueTimeoutMs);
      breaker.admit();
      try {
        await hooks.beforeAttempt?.();
      } catch (error) {
        breaker.abandon();
        throw error;
      }
      const started = now();
      try {
        const info = await client.fetchInsight(request);
        breaker.onSuccess();
        observe.attempt('ok', 200, (now() - started) / 1000);
        return info;
      } catch (error) {
        breaker.onFailure(error);
        const upstream = error instanceof UpstreamError ? error : undefined;
        observe.attempt(upstream?.code ?? 'INTERNAL', upstream?.status ?? 0, (now() - started) / 1000);
        throw error;
      }
    });

  return {
    async fetchInsight(request, hooks = {}) {
      const started = now();
      for (let attemptNumber = 1; ; attemptNumber++) {
        // Fail fast while the circuit is open, before queueing for a slot.
        breaker.check();
        try {
          return await attempt(request, hooks);
        } catch (error) {
          const delay = retryDelay(error, attemptNumber, now() - started, retry);
          if (delay === undefined) throw error;
          observe.retry();
          await sleep(delay);
        }
      }
    },
  };
}
