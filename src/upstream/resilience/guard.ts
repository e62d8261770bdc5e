import type { CircuitBreaker } from './circuit-breaker.js';
import type { ConcurrencyGate } from './concurrency-gate.js';
import type { InsightInfo } from './envelope.js';
import type { InsightClient, InsightRequest } from './insight-client.js';
import type { AttemptOutcome, RateLimiter } from './rate-limiter.js';
import { type RetryPolicy, retryDelay } from './retry-policy.js';
import { UpstreamError } from './upstream-error.js';

export interface AttemptHooks {
  /** Runs just before each attempt leaves, once it is admitted; throwing stops the call (budgets). */
  beforeAttempt?: () => Promise<void> | void;
  /** The attempt never reached KeyAPI (refused connection, DNS, connect timeout): undo what was booked. */
  notSent?: () => Promise<void> | void;
}

export interface GuardedInsightClient {
  fetchInsight(request: InsightRequest, hooks?: AttemptHooks): Promise<InsightInfo>;
}

/** One attempt that left or tried to, for metrics and the debug log. */
export interface AttemptReport {
  attempt: number;
  /** `ok`, or the attempt's `extensions.code`. */
  outcome: string;
  /** HTTP status, 0 when none came back. */
  status: number;
  seconds: number;
  /** Whether KeyAPI saw it (and charged for it). */
  sent: boolean;
  error?: UpstreamError;
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
  /** Told about every attempt that was made, with its outcome; and about every retry. */
  observe: {
    attempt(report: AttemptReport): void;
    retry(): void;
  };
}

const scopeOf = (request: InsightRequest) => `${request.id}:${request.region}:${request.timeScope}`;

function outcomeOf(error: UpstreamError | undefined): AttemptOutcome {
  if (error?.status === 429) {
    const seconds = error.retryAfterSeconds;
    return { kind: 'rate-limited', retryAfterMs: seconds === undefined ? undefined : seconds * 1000 };
  }
  return error && !error.sent ? { kind: 'unsent' } : { kind: 'answered' };
}

/**
 * Every attempt passes, in order: the circuit breaker and the 429 cool-down (failing fast), the
 * concurrency gate, the rate limiter, the breaker's admission, the caller's budget hook.
 * Transient failures are retried per the retry policy; each attempt that reaches KeyAPI is a
 * separate paid call, and one that never reached it is handed back to the budget.
 */
export function guardInsightClient(client: InsightClient, options: GuardOptions): GuardedInsightClient {
  const { breaker, gate, rateLimiter, retry, sleep, now, observe } = options;

  const send = async (request: InsightRequest, scope: string, hooks: AttemptHooks, attempt: number) => {
    const started = now();
    try {
      const info = await client.fetchInsight(request);
      breaker.onSuccess(scope);
      observe.attempt({ attempt, outcome: 'ok', status: 200, seconds: (now() - started) / 1000, sent: true });
      return { info, outcome: { kind: 'answered' } as AttemptOutcome };
    } catch (error) {
      breaker.onFailure(scope, error);
      const upstream = error instanceof UpstreamError ? error : undefined;
      const outcome = outcomeOf(upstream);
      if (outcome.kind === 'unsent') await hooks.notSent?.();
      observe.attempt({
        attempt,
        outcome: upstream?.code ?? 'INTERNAL',
        status: upstream?.status ?? 0,
        seconds: (now() - started) / 1000,
        sent: outcome.kind !== 'unsent',
        ...(upstream && { error: upstream }),
      });
      return { error, outcome };
    }
  };

  const attemptOnce = (request: InsightRequest, scope: string, hooks: AttemptHooks, attempt: number) =>
    gate.run(async () => {
      const permit = await rateLimiter.acquire(now() + options.queueTimeoutMs);
      try {
        breaker.admit(scope);
      } catch (error) {
        await rateLimiter.settle(permit, { kind: 'unsent' });
        throw error;
      }
      try {
        await hooks.beforeAttempt?.();
      } catch (error) {
        breaker.abandon(scope);
        await rateLimiter.settle(permit, { kind: 'unsent' });
        throw error;
      }
      const result = await send(request, scope, hooks, attempt);
      await rateLimiter.settle(permit, result.outcome);
      if ('error' in result) throw result.error;
      return result.info;
    });

  return {
    async fetchInsight(request, hooks = {}) {
      const scope = scopeOf(request);
      const started = now();
      for (let attempt = 1; ; attempt++) {
        // Fail fast while the circuit is open or the fleet cools down, before queueing for a slot.
        breaker.check(scope);
        rateLimiter.check();
        try {
          return await attemptOnce(request, scope, hooks, attempt);
        } catch (error) {
          const delay = retryDelay(error, attempt, now() - started, retry);
          if (delay === undefined) throw error;
          observe.retry();
          await sleep(delay);
        }
      }
    },
  };
}
