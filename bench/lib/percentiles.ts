export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export const round2 = (value: number) => Math.round(value * 100) / 100;

const summary = (samples: number[]) => {
  samples.sort((a, b) => a - b);
  return {
    p50: round2(percentile(samples, 50)),
    p90: round2(percentile(samples, 90)),
    p99: round2(percentile(samples, 99)),
    count: samples.length,
  };
};

/**
 * Times `count` calls of `a` and of `b`, sequentially and in turn (a, b, a, b, ...), in
 * milliseconds, after `warmup` untimed pairs.
 */
export async function timeInterleaved(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  count: number,
  warmup = 10,
) {
  for (let index = 0; index < warmup; index++) {
    await a();
    await b();
  }
  const timesOfA: number[] = [];
  const timesOfB: number[] = [];
  const time = async (task: () => Promise<unknown>, times: number[]) => {
    const started = performance.now();
    await task();
    times.push(performance.now() - started);
  };
  for (let index = 0; index < count; index++) {
    await time(a, timesOfA);
    await time(b, timesOfB);
  }
  return [summary(timesOfA), summary(timesOfB)] as const;
}

/**
 * Times `count` rounds of `tasks`, sequentially: in each round one call of every task, the
 * order rotated by one each round so no task always runs right after the same other. A call
 * gets its round's index, so every task can be given the same input in a round. Milliseconds,
 * after `warmup` untimed rounds (rounds -warmup..-1).
 */
export async function timeRoundRobin<Name extends string>(
  tasks: Record<Name, (round: number) => Promise<unknown>>,
  count: number,
  warmup = 10,
) {
  const names = Object.keys(tasks) as Name[];
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
  for (let round = -warmup; round < count; round++) {
    const offset = (((round % names.length) + names.length) % names.length) as number;
    for (let turn = 0; turn < names.length; turn++) {
      const name = names[(offset + turn) % names.length] as Name;
      const started = performance.now();
      await tasks[name](round);
      if (round >= 0) times[name].push(performance.now() - started);
    }
  }
  return Object.fromEntries(names.map((name) => [name, summary(times[name])])) as Record<
    Name,
    ReturnType<typeof summary>
  >;
}
