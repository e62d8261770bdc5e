export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export const round2 = (value: number) => Math.round(value * 100) / 100;

/** Times `count` sequential calls of `task`, in milliseconds, after `warmup` untimed ones. */
export async function timeSequential(task: (index: number) => Promise<unknown>, count: number, warmup = 10) {
  for (let index = 0; index < warmup; index++) await task(index);
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await task(index);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: round2(percentile(samples, 50)), p99: round2(percentile(samples, 99)), count };
}
