/**
 * The gateway's one source of time, injected everywhere: wall time for what a date means (which
 * months exist, freshness, pauses, the budget's day), and a monotonic reading for durations and
 * pacing, which must keep moving whatever the wall clock does (tests freeze it).
 */
export interface Clock {
  now(): Date;
  /** Milliseconds from an arbitrary origin, never going back. */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  monotonic: () => performance.now(),
};
