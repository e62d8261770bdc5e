import { UpstreamError } from '../upstream-error.js';
import type { Stage } from './guard.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff step; each further attempt doubles it, up to `maxDelayMs`, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest `Retry-After` honoured; a longer one fails at once rather than tie up the request. */
  maxRetryAfterMs: number;
  /** No retry starts after this long since the first attempt began. */
  maxTotalMs: number;
}

/**
 * How long to wait before attempt `attempt + 1`, or undefined to give up. Only transient
 * failures (5xx, timeouts, resets) are retried; a 429 starts the shared cool-down instead, and a
 * 400/401/402/403 would only fail again.
 */
export function retryDelay(
  error: unknown,
  attempt: number,
  elapsedMs: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (!(error instanceof UpstreamError) || !error.retryable || attempt >= policy.maxAttempts)
    return undefined;
  let delay: number;
  if (error.retryAfterSeconds !== undefined) {
    delay = error.retryAfterSeconds * 1000;
    if (delay > policy.maxRetryAfterMs) return undefined;
  } else {
    delay = Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
  }
  return elapsedMs + delay > policy.maxTotalMs ? undefined : delay;
}

/** Runs the rest of the pipeline again for each transient failure the policy allows. */
export function retried(
  policy: RetryPolicy,
  sleep: (ms: number) => Promise<void>,
  monotonic: () => number,
  onRetry: () => void,
): Stage {
  return (next) => async (call) => {
    const started = monotonic();
    for (let attempt = 1; ; attempt++) {
      try {
        return await next({ ...call, attempt });
      } catch (error) {
        const delay = retryDelay(error, attempt, monotonic() - started, policy);
        if (delay === undefined) throw error;
        onRetry();
        await sleep(delay);
      }
    }
  };
}
