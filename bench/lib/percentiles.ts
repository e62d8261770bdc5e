export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export const round2 = (value: number) => Math.round(value * 100) / 100;

const summary = (samples: number[]) => {
  samples.sort((a, b) => a - b);
  return {
    p50: round2(percentile(samples, 50)),
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
