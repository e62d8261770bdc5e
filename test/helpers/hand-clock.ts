import type { Clock } from '../../src/clock.js';

/** A clock whose wall time and monotonic reading both move only when the test says so. */
export function createHandClock(start = new Date('2025-06-15T12:00:00.000Z')): Clock & {
  advance(ms: number): void;
} {
  let wall = start.getTime();
  let monotonic = 0;
  return {
    now: () => new Date(wall),
    monotonic: () => monotonic,
    advance(ms: number) {
      wall += ms;
      monotonic += ms;
    },
  };
}
