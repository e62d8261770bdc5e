/**
 * Three gateway processes on a private Redis Cluster (three masters, no replicas) behind a
 * round-robin, against one stand-in with 100 ms latency. `npm run bench:fleet` prints, per phase:
 * upstream calls per distinct key in each freshness window, how soon another instance takes over
 * the lease of a holder killed mid-call, errors while a master is killed under load (through
 * `cluster_state:fail` and back; then, on a second cluster with a replica per master, through
 * the replica's takeover), and p50/p99 latency. Beside it, the baseline: the Redis commands
 * an instance sends while it waits on another's 3 s call, on this tree and on the last commit
 * whose waiters polled every 25 ms. Writes bench/results/fleet.json.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { THIRD_LEVEL_IDS } from '../src/demo-upstream/catalog.js';
import { type DemoUpstream, startDemoUpstream } from '../src/demo-upstream/demo-upstream.js';
import {
  fleetEnv,
  type GatewayFleet,
  type GatewayProcess,
  startGatewayFleet,
  startGatewayProcess,
} from '../test/helpers/gateway-fleet.js';
import {
  type Answer,
  type AskedKey,
  ask,
  askEach,
  callsFor,
  failures,
  insightId,
  keysOf,
} from '../test/helpers/insight-load.js';
import { uniquePrefix } from '../test/helpers/redis.js';
import { type PrivateCluster, startPrivateCluster } from '../test/helpers/redis-cluster.js';
import { percentile, round2 } from './lib/percentiles.js';

const API_KEY = 'sk_live_BENCH_fleet_0123456789';
const INSTANCES = 3;
const FRESH_MS = 3_000;
const WINDOWS = 3;
const HOLDER_DELAY_MS = 3_000;
/** How long after the holder's call goes out it is killed, one round each: across a renewal period (lease / 3) and just past it. */
const KILL_DELAYS_MS = [0, 100, 200, 300, 400, 500];
const CONCURRENCY = 30;
const LEASE_MS = 1_500;
const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The last commit whose lease waiters looked every 25 ms, before the release woke them. */
const BEFORE_WAKEUPS = '6e1ddc0';
const IDS = THIRD_LEVEL_IDS;
const WINDOW_KEYS = keysOf(IDS.slice(0, 10), ['all_regions', 'US', 'GB']);

interface Setup {
  cluster: PrivateCluster;
  upstream: DemoUpstream;
  fleet: GatewayFleet;
  prefix: string;
  env: Record<string, string>;
}

async function startSetup(replicas = 0): Promise<Setup> {
  const prefix = uniquePrefix();
  const [cluster, upstream] = await Promise.all([
    startPrivateCluster({ replicas }),
    startDemoUpstream({ apiKey: API_KEY, latencyMs: 100 }),
  ]);
  const env = fleetEnv({
    upstreamUrl: upstream.url,
    apiKey: API_KEY,
    clusterNodes: cluster.nodes,
    keyPrefix: prefix,
    freshMs: FRESH_MS,
  });
  const fleet = await startGatewayFleet(INSTANCES, env);
  // Each process's first requests compile and connect what the measured ones then use.
  await askEach(fleet.balancer.url, keysOf(IDS.slice(0, 6), ['JP']), { times: 3, concurrency: 6 });
  upstream.reset();
  return { cluster, upstream, fleet, prefix, env };
}

const latency = (answers: readonly Answer[]) => {
  const ms = answers.map((answer) => answer.ms).sort((a, b) => a - b);
  return { p50Ms: round2(percentile(ms, 50)), p99Ms: round2(percentile(ms, 99)) };
};

// ---------------------------------------------------------------- freshness windows

async function windows({ fleet, upstream }: Setup) {
  const rows = [];
  for (let window = 1; window <= WINDOWS; window++) {
    const paidBefore = callsFor(upstream.calls, WINDOW_KEYS).length;
    const started = performance.now();
    const answers = await askEach(fleet.balancer.url, WINDOW_KEYS, { times: 10, concurrency: CONCURRENCY });
    const upstreamCalls = callsFor(upstream.calls, WINDOW_KEYS).length - paidBefore;
    rows.push({
      window,
      requests: answers.length,
      distinctKeys: WINDOW_KEYS.length,
      upstreamCalls,
      callsPerKey: round2(upstreamCalls / WINDOW_KEYS.length),
      errors: failures(answers).length,
      durationMs: Math.round(performance.now() - started),
      ...latency(answers),
    });
    if (window < WINDOWS) await sleep(FRESH_MS + 500);
  }
  return rows;
}

// ---------------------------------------------------------------- a holder's call, watched

type Shared = Pick<Setup, 'upstream' | 'cluster' | 'prefix'>;

/** Asks `holder` for `key` with a slow upstream; resolves once its lease is taken and its call is out. */
async function holdLease({ upstream, cluster, prefix }: Shared, holder: GatewayProcess, key: AskedKey) {
  upstream.setFault(key.id, { kind: 'delay', ms: HOLDER_DELAY_MS }, 1);
  const answer = ask(holder.url, key);
  const lease = `${prefix}lease:insight-detail:${insightId(key)}`;
  let leaseSeenAt = 0;
  while (callsFor(upstream.calls, [key]).length === 0 || leaseSeenAt === 0) {
    if (leaseSeenAt === 0 && (await cluster.keys(lease)).includes(lease)) leaseSeenAt = Date.now();
    await sleep(5);
  }
  return { answer, leaseSeenAt };
}

// ---------------------------------------------------------------- Redis commands of a waiter

/** What each node that answers says to `command`, asked directly rather than through a cluster client. */
async function onEachNode(cluster: PrivateCluster, command: (node: Redis) => Promise<unknown>) {
  const answers = await Promise.all(
    cluster.nodes.split(',').map(async (address) => {
      const [host, port] = address.split(':');
      const node = new Redis({ host, port: Number(port), lazyConnect: true, maxRetriesPerRequest: 0 });
      node.on('error', () => {});
      return node
        .connect()
        .then(() => command(node))
        .then(String, () => undefined)
        .finally(() => node.disconnect());
    }),
  );
  return answers.filter((answer) => answer !== undefined);
}

/** `INFO commandstats` summed over every master that answers, without the INFO calls themselves. */
async function commandCounts(cluster: PrivateCluster): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const text of await onEachNode(cluster, (node) => node.info('commandstats'))) {
    for (const [, command, calls] of text.matchAll(/^cmdstat_(\w+(?:\|\w+)?):calls=(\d+)/gm)) {
      if (command !== 'info') counts[command as string] = (counts[command as string] ?? 0) + Number(calls);
    }
  }
  return counts;
}

/** The commands a waiter's polling sends, and every command counted. */
const COUNTED = ['exists', 'get', 'set', 'eval', 'evalsha', 'total'] as const;
type CommandCounts = Record<(typeof COUNTED)[number], number>;

function difference(after: Record<string, number>, before: Record<string, number>): CommandCounts {
  const delta = (command: string) => (after[command] ?? 0) - (before[command] ?? 0);
  const total = Object.keys(after).reduce((sum, command) => sum + delta(command), 0);
  return {
    exists: delta('exists'),
    get: delta('get'),
    set: delta('set'),
    eval: delta('eval'),
    evalsha: delta('evalsha'),
    total,
  };
}

/**
 * The commands every node receives while `holder` makes one 3 s call, alone and then with
 * `waiter` waiting on it; the difference is the waiter's.
 */
async function waiterCommands(
  shared: Shared,
  holder: GatewayProcess,
  waiter: GatewayProcess,
  region: string,
) {
  const measure = async (key: AskedKey, withWaiter: boolean) => {
    const held = await holdLease(shared, holder, key);
    const before = await commandCounts(shared.cluster);
    const waited = withWaiter ? await ask(waiter.url, key) : undefined;
    await held.answer;
    return { counts: difference(await commandCounts(shared.cluster), before), waited };
  };
  const alone = await measure({ id: IDS[10] as string, region }, false);
  const both = await measure({ id: IDS[11] as string, region }, true);
  const byWaiter = Object.fromEntries(
    COUNTED.map((name) => [name, both.counts[name] - alone.counts[name]]),
  ) as CommandCounts;
  return {
    holderAlone: alone.counts,
    holderAndWaiter: both.counts,
    waiter: byWaiter,
    waiterMs: Math.round(both.waited?.ms ?? Number.NaN),
    waiterCoalesced: both.waited?.extensions?.cost?.coalesced,
    waiterErrors: both.waited ? failures([both.waited]).length : undefined,
  };
}

/** The tree before lease waiters were woken by the release (they looked every 25 ms), extracted once. */
function treeBeforeWakeups(): string {
  const tree = join(tmpdir(), `gateway-${BEFORE_WAKEUPS}`);
  if (!existsSync(join(tree, 'src/main.ts'))) {
    mkdirSync(tree, { recursive: true });
    // An archive, not a worktree: nothing is written to this repository.
    execSync(`git -C ${JSON.stringify(ROOT)} archive ${BEFORE_WAKEUPS} | tar -x -C ${JSON.stringify(tree)}`);
  }
  if (!existsSync(join(tree, 'node_modules')))
    symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
  return tree;
}

/** The same measurement on a holder and a waiter of the tree before wakeups, under a prefix of their own. */
async function waiterCommandsBeforeWakeups(setup: Setup) {
  const prefix = uniquePrefix();
  const tree = treeBeforeWakeups();
  const env = { ...setup.env, REDIS_KEY_PREFIX: prefix };
  const [holder, waiter] = await Promise.all([
    startGatewayProcess(env, tree),
    startGatewayProcess(env, tree),
  ]);
  try {
    return await waiterCommands({ ...setup, prefix }, holder, waiter, 'BE');
  } finally {
    await Promise.all([holder.stop(), waiter.stop()]);
  }
}

// ---------------------------------------------------------------- takeover of a killed holder

/**
 * A holder of its own is killed `delayMs` after its call went out (the delays spread the kill
 * over a renewal period); a fleet instance waiting on it takes over.
 */
async function takeover(setup: Setup, round: number, delayMs: number) {
  const holder = await startGatewayProcess(setup.env);
  const key = { id: IDS[12 + round] as string, region: 'SE' };
  const held = await holdLease(setup, holder, key);
  const waiting = ask((setup.fleet.instances[1] as GatewayProcess).url, key);
  await sleep(delayMs);
  const killedAt = Date.now();
  await holder.stop('SIGKILL');
  const answer = await waiting;
  const answeredAt = Date.now();
  const calls = callsFor(setup.upstream.calls, [key]);
  return {
    round,
    killedAfterCallMs: killedAt - (calls[0]?.at ?? Number.NaN),
    killToTakeoverCallMs: (calls[1]?.at ?? Number.NaN) - killedAt,
    killToAnswerMs: answeredAt - killedAt,
    leaseSeenToAnswerMs: answeredAt - held.leaseSeenAt,
    upstreamCalls: calls.length,
    errors: failures([answer]).length,
  };
}

// ---------------------------------------------------------------- a master killed under load

/** Asks `keys` round and round, `CONCURRENCY` at once, until `running()` is false; each answer tagged with the phase it was asked in. */
async function loadWhile(
  url: string,
  keys: readonly AskedKey[],
  phase: () => string,
  running: () => boolean,
) {
  const answers: Array<Answer & { phase: string }> = [];
  let next = 0;
  const worker = async () => {
    while (running()) {
      const asked = phase();
      answers.push({ ...(await ask(url, keys[next++ % keys.length] as AskedKey)), phase: asked });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return answers;
}

/** `cluster_state` as each node that answers sees it. */
async function clusterStates(cluster: PrivateCluster): Promise<string[]> {
  const infos = await onEachNode(cluster, (node) => node.cluster('INFO'));
  return infos.map((info) => /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown');
}

async function until(check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) await sleep(100);
  return Date.now() - started;
}

const PHASE_MS = 3_000;

/** Load over `keys` tagged with the phase it was asked in: a phase before the kill, then the kill. */
async function loadThroughKill({ cluster, fleet, prefix }: Setup, keys: readonly AskedKey[]) {
  let phase = 'before the kill';
  let running = true;
  const load = loadWhile(
    fleet.balancer.url,
    keys,
    () => phase,
    () => running,
  );
  await sleep(PHASE_MS);
  await cluster.killMasterOf(`${prefix}answer:insight-detail:${insightId(keys[0] as AskedKey)}`);
  return {
    enter(next: string) {
      phase = next;
    },
    /** Ends the load after one more phase; requests, errors and latency per phase. */
    async finish() {
      await sleep(PHASE_MS);
      running = false;
      return byPhase(await load);
    },
  };
}

/** Requests, errors and latency per phase, and the first distinct errors. */
function byPhase(answers: ReadonlyArray<Answer & { phase: string }>) {
  const phases = [...new Set(answers.map((answer) => answer.phase))].map((name) => {
    const inPhase = answers.filter((answer) => answer.phase === name);
    return { phase: name, requests: inPhase.length, errors: failures(inPhase).length, ...latency(inPhase) };
  });
  const errors = failures(answers).map((answer) => answer.errors?.[0]?.message ?? `HTTP ${answer.status}`);
  return { phases, firstErrors: [...new Set(errors)].slice(0, 5) };
}

/** Through the kill, until the cluster declares itself failed, in that state, while it rejoins, after. */
async function masterKill(setup: Setup) {
  const { cluster, upstream } = setup;
  const keys = keysOf(IDS.slice(0, 15), ['DE', 'FR']);
  const paidBefore = upstream.calls.length;
  const run = await loadThroughKill(setup, keys);
  run.enter('master killed, cluster_state ok');
  const failedAfterMs = await until(async () => (await clusterStates(cluster)).includes('fail'));
  run.enter('cluster_state:fail');
  await sleep(PHASE_MS);
  run.enter('master restarted, rejoining');
  // The helper waits 15 s; a master without replicas loses its FAIL flag only after twice the node timeout.
  await cluster.revive().catch(() => {});
  const rejoinedAfterMs = await until(async () => {
    const states = await clusterStates(cluster);
    return states.length === 3 && states.every((state) => state === 'ok');
  });
  run.enter('cluster ok again');
  return {
    ...(await run.finish()),
    clusterFailedAfterMs: failedAfterMs,
    rejoinedAfterMs,
    upstreamCalls: upstream.calls.length - paidBefore,
    distinctKeys: keys.length,
  };
}

/** Through the kill on a cluster with a replica per master, until the replica serves, after. */
async function replicaTakeover(setup: Setup) {
  const keys = keysOf(IDS.slice(0, 15), ['IT', 'ES']);
  const paidBefore = setup.upstream.calls.length;
  const run = await loadThroughKill(setup, keys);
  run.enter('master killed, until its replica serves');
  const started = Date.now();
  await setup.cluster.failedOver();
  const tookOverMs = Date.now() - started;
  run.enter('after the takeover');
  return {
    ...(await run.finish()),
    tookOverMs,
    upstreamCalls: setup.upstream.calls.length - paidBefore,
    distinctKeys: keys.length,
  };
}

// ---------------------------------------------------------------- report

function table(headers: string[], rows: Array<Array<string | number | undefined>>) {
  console.log(`| ${headers.join(' | ')} |`);
  console.log(`| ${headers.map((_, index) => (index === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log('');
}

type WaiterCommands = Awaited<ReturnType<typeof waiterCommands>>;

interface Results {
  windows: Awaited<ReturnType<typeof windows>>;
  commands: { before: WaiterCommands; now: WaiterCommands };
  takeovers: Array<Awaited<ReturnType<typeof takeover>>>;
  masterKill: Awaited<ReturnType<typeof masterKill>>;
}

function printWindows(rows: Results['windows']) {
  table(
    [
      'window',
      'requests',
      'distinct keys',
      'upstream calls',
      'calls per key',
      'errors',
      'ms',
      'p50 ms',
      'p99 ms',
    ],
    rows.map((w) => [
      w.window,
      w.requests,
      w.distinctKeys,
      w.upstreamCalls,
      w.callsPerKey.toFixed(2),
      w.errors,
      w.durationMs,
      w.p50Ms,
      w.p99Ms,
    ]),
  );
}

function printTakeovers(rows: Results['takeovers']) {
  table(
    [
      `killed lease holder (lease ${LEASE_MS} ms; target ≤ 2000 ms)`,
      'killed after its call ms',
      'kill → takeover call ms',
      'kill → answer ms',
      'lease seen → answer ms',
      'upstream calls',
      'errors',
    ],
    rows.map((t) => [
      `round ${t.round + 1}`,
      t.killedAfterCallMs,
      t.killToTakeoverCallMs,
      t.killToAnswerMs,
      t.leaseSeenToAnswerMs,
      t.upstreamCalls,
      t.errors,
    ]),
  );
}

function printCommands({ before, now }: Results['commands']) {
  const rows = [
    [`${BEFORE_WAKEUPS} (25 ms polling): holder alone`, before.holderAlone],
    [`${BEFORE_WAKEUPS}: holder + one waiter`, before.holderAndWaiter],
    [`${BEFORE_WAKEUPS}: the waiter (difference)`, before.waiter],
    ['this tree: holder alone', now.holderAlone],
    ['this tree: holder + one waiter', now.holderAndWaiter],
    ['this tree: the waiter (difference)', now.waiter],
  ] as const;
  table(
    [`Redis commands, all masters, during one ${HOLDER_DELAY_MS} ms call`, ...COUNTED],
    rows.map(([name, counts]) => [name, ...COUNTED.map((command) => counts[command])]),
  );
  for (const [name, c] of [
    [BEFORE_WAKEUPS, before],
    ['this tree', now],
  ] as const)
    console.log(
      `${name}: the waiter answered in ${c.waiterMs} ms (coalesced ${c.waiterCoalesced}, errors ${c.waiterErrors}).`,
    );
  console.log('');
}

function printMasterKill(kill: Results['masterKill']) {
  table(
    ['master killed under load', 'requests', 'errors', 'p50 ms', 'p99 ms'],
    kill.phases.map((p) => [p.phase, p.requests, p.errors, p.p50Ms, p.p99Ms]),
  );
  const errors = kill.firstErrors.length > 0 ? `; errors: ${kill.firstErrors.join(' | ')}` : '';
  console.log(
    `cluster_state:fail ${kill.clusterFailedAfterMs} ms after the kill, ok on every master ` +
      `${kill.rejoinedAfterMs} ms after the restart; ${kill.upstreamCalls} upstream calls for ` +
      `${kill.distinctKeys} keys over the phases${errors}`,
  );
}

function printReplicaTakeover(run: Awaited<ReturnType<typeof replicaTakeover>>) {
  table(
    ['master killed under load, a replica per master', 'requests', 'errors', 'p50 ms', 'p99 ms'],
    run.phases.map((p) => [p.phase, p.requests, p.errors, p.p50Ms, p.p99Ms]),
  );
  const errors = run.firstErrors.length > 0 ? `; errors: ${run.firstErrors.join(' | ')}` : '';
  console.log(
    `a replica served ${run.tookOverMs} ms after the kill; ${run.upstreamCalls} upstream calls for ` +
      `${run.distinctKeys} keys over the phases${errors}\n`,
  );
}

function print(results: Results, setup: Setup) {
  console.log(
    `\nFleet: ${INSTANCES} gateway processes, Redis Cluster of 3 masters (no replicas), round-robin; ` +
      `stand-in 100 ms; fresh ${FRESH_MS} ms, no grace; ${CONCURRENCY} requests at once. ` +
      `Balancer counts: ${setup.fleet.balancer.counts.join(' / ')}.\n`,
  );
  printWindows(results.windows);
  printTakeovers(results.takeovers);
  printCommands(results.commands);
  printMasterKill(results.masterKill);
}

const setup = await startSetup();
try {
  const windowRows = await windows(setup);
  const [holder, waiter] = setup.fleet.instances as [GatewayProcess, GatewayProcess];
  const commands = {
    before: await waiterCommandsBeforeWakeups(setup),
    now: await waiterCommands(setup, holder, waiter, 'NL'),
  };
  const takeovers = [];
  for (const [round, delayMs] of KILL_DELAYS_MS.entries())
    takeovers.push(await takeover(setup, round, delayMs));
  const results: Results = { windows: windowRows, commands, takeovers, masterKill: await masterKill(setup) };
  print(results, setup);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/fleet.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await stopSetup(setup);
}

const withReplicas = await startSetup(1);
try {
  printReplicaTakeover(await replicaTakeover(withReplicas));
} finally {
  await stopSetup(withReplicas);
}

async function stopSetup({ fleet, upstream, cluster }: Setup) {
  await fleet.stop();
  await upstream.close();
  await cluster.stop();
}
