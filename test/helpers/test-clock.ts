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
