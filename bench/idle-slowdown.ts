/**
 * The machine's own penalty for idling: the same memory-bound task, timed right after a sleep
 * of 0, 20 and 200 ms. On a shared VM the caches go cold while a process sleeps, so a request
 * that arrives after an idle gap runs slower the more memory it touches. This is why the cold
 * path adds more at 200 ms upstream latency than at 0 ms, for the gateway and plain yoga alike.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile, round2 } from './lib/percentiles.js';

const GAPS_MS = [0, 20, 200] as const;
const WORKING_SETS_KB = [256, 2048, 32768] as const;
const READS = 60_000;

export async function idleSlowdown() {
  const memory = new Float64Array((WORKING_SETS_KB.at(-1) as number) * 128);
  memory.fill(1);
  const offsets = Uint32Array.from({ length: READS }, () => Math.floor(Math.random() * memory.length));
  const touch = (size: number) => {
    let sum = 0;
    for (const offset of offsets) sum += memory[offset % size] as number;
    return sum;
  };
  const rows = [];
  for (const kb of WORKING_SETS_KB) {
    const row: Record<string, number> = { workingSetKb: kb };
    for (const gap of GAPS_MS) {
      const samples: number[] = [];
      for (let i = 0; i < (gap >= 200 ? 30 : 150); i++) {
        await (gap > 0 ? sleep(gap) : Promise.resolve());
        const started = performance.now();
        touch(kb * 128);
        samples.push(performance.now() - started);
      }
      samples.sort((a, b) => a - b);
      row[`afterIdle${gap}Ms`] = round2(percentile(samples, 50));
    }
    rows.push(row);
  }
  return rows;
}
