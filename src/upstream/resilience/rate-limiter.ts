import type { Clock } from '../../clock.js';
import { UpstreamError } from '../upstream-error.js';
import type { Stage } from './guard.js';

export interface TokenBucketOptions {
  /** Calls per second, on average. */
  qps: number;
  /** Calls that may go out at once after a quiet spell. */
  burst: number;
}

export interface CooldownOptions {
  /** The first pause after a 429 without Retry-After; each further 429 in a row doubles it. */
  baseMs: number;
  /** The longest pause, Retry-After included. */
  maxMs: number;
}

/** What the pacing state answers to "may a call go out now?". */
export type Take =
  | { kind: 'go'; probe: boolean }
  | { kind: 'wait'; ms: number }
  | { kind: 'cooling'; ms: number }
  /** The pause is over, but another call's probe is still out: no call now, and no pause to remember. */
  | { kind: 'probing' };

/**
 * The provider's rate as shared state: a token bucket, and the cool-down a 429 starts, during
 * which no call goes out until one probe is let through. In memory, or in Redis for the fleet.
 */
export interface RateStore {
  take(): Promise<Take>;
  /** A 429 came back: pause for `retryAfterMs`, or for longer with each 429 in a row; returns the pause. */
  coolDown(retryAfterMs: number | undefined): Promise<number>;
  /** The probe was answered with something other than a 429: calls flow again. */
  endCooldown(): Promise<void>;
  /** The probe never reached KeyAPI: another may try. */
  releaseProbe(): Promise<void>;
}

/** A call's right to go out; a probe is the one call let through after a cool-down. */
export interface Permit {
  probe: boolean;
}

export type AttemptOutcome =
  | { kind: 'rate-limited'; retryAfterMs: number | undefined }
  | { kind: 'answered' }
  | { kind: 'unsent' };

export interface RateLimiter {
  /** Fails at once while this instance knows the fleet is cooling down, before any queueing. */
  check(): void;
  /** Resolves when a call may go out; rejects with UPSTREAM_RATE_LIMITED if cooling, or if no token comes within `waitMs`. */
  acquire(waitMs: number): Promise<Permit>;
  /** Reports what the permitted call met, so the cool-down starts, ends or lets another probe try. */
  settle(permit: Permit, outcome: AttemptOutcome): Promise<void>;
  /** Until when (ms since the epoch) this instance last knew calls to be paused; 0 when they flow. */
  coolingUntil(): number;
}

export type CooldownTransition = 'started' | 'ended';

/** How long a probe holds the way before another may try: longer than any single attempt. */
export const PROBE_HOLD_MS = 30_000;

function cooldownDelay(strikes: number, retryAfterMs: number | undefined, options: CooldownOptions) {
  return Math.min(options.maxMs, retryAfterMs ?? options.baseMs * 2 ** (strikes - 1));
}

/** The bucket refills on the monotonic clock; the cool-down follows the wall clock, as the breaker's pauses do. */
export function createMemoryRateStore(
  { qps, burst }: TokenBucketOptions,
  cooldown: CooldownOptions,
  clock: Clock,
): RateStore {
  const now = () => clock.now().getTime();
  let tokens = burst;
  let refilledAt = clock.monotonic();
  let coolUntil = 0;
  let probeUntil = 0;
  let strikes = 0;
  return {
    async take() {
      const current = now();
      if (current < coolUntil) return { kind: 'cooling', ms: coolUntil - current };
      if (coolUntil > 0 && current < probeUntil) return { kind: 'probing' };
      const elapsed = clock.monotonic();
      tokens = Math.min(burst, tokens + ((elapsed - refilledAt) * qps) / 1000);
      refilledAt = elapsed;
      if (tokens < 1) return { kind: 'wait', ms: Math.ceil(((1 - tokens) * 1000) / qps) };
      tokens -= 1;
      if (coolUntil === 0) return { kind: 'go', probe: false };
      probeUntil = current + PROBE_HOLD_MS;
      return { kind: 'go', probe: true };
    },
    async coolDown(retryAfterMs) {
      // 429s of calls that were in flight together are one strike, not one each.
      if (now() >= coolUntil) strikes += 1;
      const delay = cooldownDelay(strikes, retryAfterMs, cooldown);
      coolUntil = Math.max(coolUntil, now() + delay);
      probeUntil = 0;
      return coolUntil - now();
    },
    async endCooldown() {
      coolUntil = 0;
      probeUntil = 0;
      strikes = 0;
    },
    async releaseProbe() {
      probeUntil = 0;
    },
  };
}

const pacing = () =>
  new UpstreamError(
    'UPSTREAM_RATE_LIMITED',
    'The gateway is pacing calls to KeyAPI and none is free in time; try again shortly',
    { sent: false },
  );

const cooling = (ms: number) =>
  new UpstreamError('UPSTREAM_RATE_LIMITED', 'KeyAPI asked the gateway to slow down; calls resume shortly', {
    retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)),
    sent: false,
  });

export function createRateLimiter(
  store: RateStore,
  sleep: (ms: number) => Promise<void>,
  clock: Clock,
  onTransition: (transition: CooldownTransition, ms: number) => void = () => {},
): RateLimiter {
  const now = () => clock.now().getTime();
  // 0 while calls flow; a pause always ends in the future.
  let pausedUntil = 0;
  const pause = (ms: number) => {
    if (pausedUntil === 0) onTransition('started', ms);
    pausedUntil = now() + ms;
  };
  const resume = () => {
    if (pausedUntil !== 0) onTransition('ended', 0);
    pausedUntil = 0;
  };
  return {
    check() {
      const left = pausedUntil - now();
      if (left > 0) throw cooling(left);
    },
    async acquire(waitMs) {
      const deadline = clock.monotonic() + waitMs;
      for (;;) {
        const take = await store.take();
        if (take.kind === 'cooling') {
          pause(take.ms);
          throw cooling(take.ms);
        }
        // Asked again next time: the probe's answer may end the pause at any moment.
        if (take.kind === 'probing') throw cooling(1_000);
        if (take.kind === 'go') {
          // Another instance's probe ended the pause.
          if (!take.probe) resume();
          return { probe: take.probe };
        }
        if (clock.monotonic() + take.ms > deadline) throw pacing();
        await sleep(take.ms);
      }
    },
    async settle(permit, outcome) {
      if (outcome.kind === 'rate-limited') return pause(await store.coolDown(outcome.retryAfterMs));
      if (!permit.probe) return;
      if (outcome.kind === 'unsent') return store.releaseProbe();
      await store.endCooldown();
      resume();
    },
    coolingUntil: () => pausedUntil,
  };
}

/** Fails at once while the fleet cools down after a 429, before any queueing. */
export function failFastWhileCooling(limiter: RateLimiter): Stage {
  return (next) => async (call) => {
    limiter.check();
    return next(call);
  };
}

/** What an attempt met, as the cool-down sees it: a 429, any other answer, or nothing sent. */
export function outcomeOf(error: unknown): AttemptOutcome {
  if (!(error instanceof UpstreamError) || !error.sent) return { kind: 'unsent' };
  if (error.status !== 429) return { kind: 'answered' };
  const seconds = error.retryAfterSeconds;
  return { kind: 'rate-limited', retryAfterMs: seconds === undefined ? undefined : seconds * 1000 };
}

/** Waits for a token (up to `waitMs`), then reports what the attempt met to the cool-down. */
export function paced(limiter: RateLimiter, waitMs: number): Stage {
  return (next) => async (call) => {
    const permit = await limiter.acquire(waitMs);
    try {
      const result = await next(call);
      await limiter.settle(permit, { kind: 'answered' });
      return result;
    } catch (error) {
      await limiter.settle(permit, outcomeOf(error));
      throw error;
    }
  };
}
