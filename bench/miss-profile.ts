/**
 * `npx tsx bench/miss-profile.ts [latencyMs] [requests] [sampled]`: the miss-path run of
 * `bench:cold`, measuring what each server spends on the timed requests alone: the CPU time
 * of every server process per request (user and system, from process.cpuUsage), and, for the
 * servers whose scripts are named in `sampled` (default `gateway.mjs,apollo-rest.mjs`), V8's
 * sampling profile summarized as self time by module and by function and time by module
 * anywhere on the stack, in µs per request. Every server also times each request's two stretches
 * of its own work, before the upstream call and after its answer (see `requestPhases`), and
 * the profiles are split the same way. Profiles stay in bench/results/profiles/ for
 * DevTools. Latencies of this run carry the profiler's cost; take them from `bench:cold`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { coldPath, printColdPath } from './cold-path.js';
import type { ChildServer } from './lib/child-server.js';
import {
  PHASES,
  type RequestEvent,
  requestPhases,
  summarizeProfile,
  topRows,
} from './lib/cpu-profile-summary.js';
import { percentile } from './lib/percentiles.js';

const latencyMs = Number(process.argv[2] ?? 20);
const count = Number(process.argv[3] ?? 1000);
const sampled = process.argv[4] ?? 'gateway.mjs,apollo-rest.mjs';
const dir = new URL('./results/profiles/', import.meta.url).pathname;
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

let pids: Record<string, number> = {};
const toggle = async (servers: Record<string, ChildServer>) => {
  for (const server of Object.values(servers)) process.kill(server.pid, 'SIGUSR2');
  await sleep(200);
};
const result = await coldPath(latencyMs, count, {
  env: { CPU_PROFILE_DIR: dir, CPU_PROFILE_SAMPLE: sampled },
  nodeFlags: [
    '--import',
    pathToFileURL(new URL('./lib/cpu-profile-on-signal.mjs', import.meta.url).pathname).href,
  ],
  beforeTiming: async (servers) => {
    pids = Object.fromEntries(Object.entries(servers).map(([name, server]) => [name, server.pid]));
    await toggle(servers);
  },
  afterTiming: async (servers) => {
    await toggle(servers);
    for (const pid of Object.values(pids)) {
      for (let waited = 0; !existsSync(`${dir}/${pid}.cpu.json`) && waited < 10_000; waited += 100)
        await sleep(100);
    }
  },
});
printColdPath(result);

// The timed rounds and the 10 untimed ones before them ran while the measurement did.
const requests = count + 10;
console.log('\nCPU time of each server process per request, timed requests only\n');
console.log('| server | user µs | system µs | total µs |\n| --- | ---: | ---: | ---: |');
for (const [name, pid] of Object.entries(pids)) {
  const used = JSON.parse(readFileSync(`${dir}/${pid}.cpu.json`, 'utf8')) as {
    userUs: number;
    systemUs: number;
  };
  const per = (us: number) => Math.round(us / requests);
  console.log(
    `| ${name} | ${per(used.userUs)} | ${per(used.systemUs)} | ${per(used.userUs + used.systemUs)} |`,
  );
}

const eventsOf = (pid: number) =>
  JSON.parse(readFileSync(`${dir}/${pid}.events.json`, 'utf8')) as RequestEvent[];
const ms = (us: number) => (us / 1000).toFixed(2);
console.log(
  '\nEach request through each server, ms: before the upstream call, awaiting it, after its answer\n',
);
console.log(
  '| server | requests | before p50 | before mean | awaiting p50 | after p50 | after mean | before + after p50 |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
for (const [name, pid] of Object.entries(pids)) {
  const phases = requestPhases(eventsOf(pid));
  const sorted = (pick: (p: (typeof phases)[number]) => number) => phases.map(pick).sort((a, b) => a - b);
  const before = sorted((p) => p.before);
  const awaiting = sorted((p) => p.awaiting);
  const after = sorted((p) => p.after);
  const own = sorted((p) => p.before + p.after);
  const cells = [
    percentile(before, 50),
    mean(before),
    percentile(awaiting, 50),
    percentile(after, 50),
    mean(after),
    percentile(own, 50),
  ].map(ms);
  console.log(`| ${name} | ${phases.length} | ${cells.join(' | ')} |`);
}

for (const [name, pid] of Object.entries(pids)) {
  if (!existsSync(`${dir}/${pid}.cpuprofile`)) continue;
  const file = `${dir}/${name.replace(/[^\w.-]+/g, '-')}.cpuprofile`;
  renameSync(`${dir}/${pid}.cpuprofile`, file);
  const summary = summarizeProfile(file, eventsOf(pid));
  const per = (us: number) => (us / requests).toFixed(0);
  console.log(`\n### ${name}: ${per(summary.busyUs)} µs sampled busy a request`);
  console.log(
    Object.values(PHASES)
      .map((phase) => `${phase} ${per(summary.phases.get(phase)?.busyUs ?? 0)} µs`)
      .join(', '),
  );
  for (const phase of [PHASES.S, PHASES.H]) {
    const entry = summary.phases.get(phase);
    if (!entry) continue;
    console.log(`\n| ${phase}: by caller | µs/request |\n| --- | ---: |`);
    console.log(topRows(entry.byCaller, requests, 25).join('\n'));
    console.log(`\n| ${phase}: self, by module | µs/request |\n| --- | ---: |`);
    console.log(topRows(entry.selfByModule, requests, 20).join('\n'));
    console.log(`\n| ${phase}: self, by function | µs/request |\n| --- | ---: |`);
    console.log(topRows(entry.selfByFunction, requests, 25).join('\n'));
  }
  console.log(
    `(program) ${per(summary.programUs)} µs, GC ${per(summary.selfByModule.get('(garbage collector)') ?? 0)} µs; ${file}\n`,
  );
  console.log('\n| by caller | µs/request |\n| --- | ---: |');
  console.log(topRows(summary.byCaller, requests, 30).join('\n'));
  console.log('\n| self, by module | µs/request |\n| --- | ---: |');
  console.log(topRows(summary.selfByModule, requests, 30).join('\n'));
  console.log('\n| on the stack, by module | µs/request |\n| --- | ---: |');
  console.log(topRows(summary.inclusiveByModule, requests, 40).join('\n'));
  console.log('\n| self, by function | µs/request |\n| --- | ---: |');
  console.log(topRows(summary.selfByFunction, requests, 40).join('\n'));
}
