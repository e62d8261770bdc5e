/**
 * `npm run bench`: every benchmark in one run on this machine, printed as tables and written to
 * bench/results/bench.json. Not part of `npm test`: timings belong here.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { coldPath, printColdPath } from './cold-path.js';
import { efficiency } from './efficiency.js';
import { idleSlowdown } from './idle-slowdown.js';
import { memory } from './memory.js';
import { warmPath } from './warm-path.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  kernel: readFileSync('/proc/version', 'utf8').split(' ').slice(0, 3).join(' '),
};
console.log(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}`);

const warm = await warmPath(SECONDS, CONNECTIONS);
console.log(`\nWarm path: dashboard query, ${CONNECTIONS} connections, ${SECONDS} s each, same run\n`);
console.log('| server | req/s | p50 ms | p99 ms | errors |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [name, r] of Object.entries(warm.results)) {
  console.log(`| ${name} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors} |`);
}
console.log(`\ngateway / plain yoga: ${warm.ratios.gatewayOverPlainYoga}× (target ≥ 2)`);
console.log(`gateway / bare node:http: ${warm.ratios.gatewayOverBareHttp}× (target ≥ 0.25)`);

// The miss path against the peers at 20 ms upstream (the target: at most 0.8× the best peer's
// added latency, p50 and p99), then at 0 ms and 200 ms.
const cold = [await coldPath(20, 300), await coldPath(0, 500), await coldPath(200, 150)];
for (const c of cold) printColdPath(c);

const idle = await idleSlowdown();
console.log('\nThis machine after idling: p50 ms of the same random reads, right after a sleep\n');
console.log('| working set | no sleep | after 20 ms | after 200 ms |');
console.log('| ---: | ---: | ---: | ---: |');
for (const row of idle) {
  console.log(
    `| ${row.workingSetKb} KB | ${row.afterIdle0Ms} | ${row.afterIdle20Ms} | ${row.afterIdle200Ms} |`,
  );
}

const efficient = await efficiency();
console.log(
  `\nUpstream efficiency: ${efficient.operations} fan-out operations (aliases, case variants, lists, nested insight)\n`,
);
console.log('| | upstream calls | credits |');
console.log('| --- | ---: | ---: |');
console.log(`| minimum (distinct keys) | ${efficient.minimum.calls} | ${efficient.minimum.credits} |`);
console.log(`| gateway | ${efficient.gateway.calls} | ${efficient.gateway.credits} |`);
console.log(`| naive: one call per field | ${efficient.naive.calls} | ${efficient.naive.credits} |`);

const mem = await memory(SECONDS, CONNECTIONS);
console.log('\nMemory: peak resident size of the gateway process (VmHWM)\n');
console.log('| state | peak RSS MB |');
console.log('| --- | ---: |');
console.log(`| idle after start | ${mem.idleMb} |`);
console.log(`| after ${SECONDS} s of warm load | ${mem.underLoadMb} |`);
console.log(`| with a full insight cache (${mem.fullCacheEntries} entries) | ${mem.withFullCacheMb} |`);

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/bench.json', import.meta.url),
  `${JSON.stringify({ machine, seconds: SECONDS, connections: CONNECTIONS, warm, cold, idleSlowdown: idle, efficiency: efficient, memory: mem }, null, 2)}\n`,
);
