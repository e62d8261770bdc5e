import { UpstreamError } from './upstream-error.js';

/** Paces upstream calls to the provider's rate; shared across instances when backed by Redis. */
export interface RateLimiter {
  /** Resolves when a call may go out; rejects with UPSTREAM_RATE_LIMITED if that is later than `deadline`. */
  acquire(deadline: number): Promise<void>;
}

export interface TokenBucketOptions {
  /** Calls per second, on average. */
  qps: number;
  /** Calls that may go out at once after a quiet spell. */
  burst: number;
}

/**
 * How long until a token is free (0: one was taken). The same arithmetic runs in Redis for
 * the shared bucket, so both behave alike.
 */
export type TakeToken = () => Promise<number>;

export function createMemoryTakeToken(
  { qps, burst }: TokenBucketOptions,
  now: () => number = Date.now,
): TakeToken {
  let tokens = burst;
  let refilledAt = now();
  return async () => {
    const current = now();
    tokens = Math.min(burst, tokens + ((current - refilledAt) * qps) / 1000);
    refilledAt = current;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - tokens) * 1000) / qps);
  };
}

export function createRateLimiter(
  takeToken: TakeToken,
  sleep: (ms: number) => Promise<void>,
  now: () => number = Date.now,
): RateLimiter {
  return {
    async acquire(deadline) {
      for (;;) {
        const wait = await takeToken();
        if (wait === 0) return;
        if (now() + wait > deadline) {
          throw new UpstreamError(
            'UPSTREAM_RATE_LIMITED',
            'The gateway is pacing calls to KeyAPI and none is free in time; try again shortly',
          );
        }
        await sleep(wait);
      }
    },
  };
}
