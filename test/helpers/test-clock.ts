import type { Clock } from '../../src/clock.js';

/** A clock the test moves by hand, so expiry and cool-downs need no real waiting. */
export function createTestClock(start: Date) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

/** A `sleep` that records every wait the gateway asks for and returns at once. */
export function createSleepRecorder() {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
}

/** The gateway's clock with this wall time; durations and pacing still follow real time. */
export function clockAt(now: () => Date): Clock {
  return { now, monotonic: () => performance.now() };
}
