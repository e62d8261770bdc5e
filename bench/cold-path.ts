/**
 * Cold path (a miss): every request asks for a key no server has seen, so it misses every cache
 * and goes upstream. Every server of the run calls the same stand-in (a process of its own, no
 * jitter) and is timed in the same run, one request to each in turn, the order rotated every
 * round, all with the same client, the same request bodies and the same Node flags
 * (NODE_ENV=production and `start:prod`'s). What a server adds is its p50 (p99) minus the
 * floor's: node:http making the same single undici request and answering the JSON. The
 * gateway's target is at most 0.8× the best peer's added latency, at p50 and at p99.
 *
 * Each server first answers WARMUP_REQUESTS untimed requests for other new keys, 32 at a time,
 * so the figures are those of a server that has run for a while, not of V8 compiling its code.
 * BENCH_MISS_SERVERS="name=path.mjs[=other],…" adds servers (variants of the gateway for A/B
 * runs, or with `=other` servers that speak no GraphQL);
 * BENCH_MISS_ONLY="name,…" keeps only those (and the floor).
 */
import { Pool } from 'undici';
import { THIRD_LEVEL_IDS } from '../src/demo-upstream/catalog.js';
import { type ChildServer, PRODUCTION_NODE_FLAGS, startChildServer } from './lib/child-server.js';
import { DASHBOARD_QUERY } from './lib/dashboard-query.js';
import { round2, timeRoundRobin } from './lib/percentiles.js';

const WARMUP_REQUESTS = 500;
const WARMUP_CONCURRENCY = 32;
/** Keys of the warm-up start here, far from the timed ones, so no timed key was asked before. */
const WARMUP_KEYS_FROM = 20_000;
/** How far below the best peer's added latency the gateway's must stay. */
export const TARGET_RATIO = 0.8;

/** `other`: a server that speaks no GraphQL (another floor, say), timed and nothing more. */
type Role = 'reference' | 'floor' | 'peer' | 'baseline' | 'gateway' | 'variant' | 'other';

interface MissServer {
  name: string;
  script: string;
  role: Role;
}

export const STAND_IN = 'stand-in, asked directly';
export const FLOOR = 'floor: node:http + one undici request';
export const GATEWAY = 'gateway';

const SERVERS: MissServer[] = [
  { name: FLOOR, script: 'bench/servers/http-upstream-floor.mjs', role: 'floor' },
  { name: 'Apollo Server 5 + RESTDataSource', script: 'bench/servers/apollo-rest.mjs', role: 'peer' },
  { name: 'plain yoga forwarding', script: 'bench/servers/plain-yoga-upstream.mjs', role: 'baseline' },
  { name: 'graphql-js over node:http', script: 'bench/servers/graphql-js-upstream.mjs', role: 'baseline' },
  { name: GATEWAY, script: 'bench/servers/gateway.mjs', role: 'gateway' },
];

function extraServers(): MissServer[] {
  const list = process.env.BENCH_MISS_SERVERS;
  if (!list) return [];
  return list.split(',').map((entry) => {
    const [name, script, other] = entry.split('=');
    if (!name || !script) throw new Error(`BENCH_MISS_SERVERS entry "${entry}" is not name=script`);
    return { name, script, role: other === 'other' ? 'other' : 'variant' };
  });
}

const REGIONS = Array.from({ length: 26 * 26 }, (_, index) =>
  String.fromCharCode(65 + Math.floor(index / 26), 65 + (index % 26)),
);
const TIME_SCOPES = ['1', '7', '30'];

/** The n-th key of the run: 20 categories × 676 regions × 3 scopes, so 40,560 before one repeats. */
export function missKey(n: number) {
  const ids = THIRD_LEVEL_IDS;
  const total = ids.length * REGIONS.length * TIME_SCOPES.length;
  const index = ((n % total) + total) % total;
  return {
    id: ids[index % ids.length] as string,
    region: REGIONS[Math.floor(index / ids.length) % REGIONS.length] as string,
    timeScope: TIME_SCOPES[Math.floor(index / (ids.length * REGIONS.length))] as string,
  };
}

/** The dashboard card's request for the n-th key: the same bytes for every server. */
export function missBody(n: number): string {
  return JSON.stringify({ query: DASHBOARD_QUERY, variables: missKey(n), operationName: 'InsightCard' });
}

export interface MissPathOptions {
  /** Extra environment for every server (CPU_PROFILE_DIR, say). */
  env?: Record<string, string>;
  /** Extra node flags for every server, after the production ones. */
  nodeFlags?: string[];
  /** Called after warm-up, before timing, with the servers by name. */
  beforeTiming?: (servers: Record<string, ChildServer>) => Promise<void>;
  /** Called after timing, before the servers stop. */
  afterTiming?: (servers: Record<string, ChildServer>) => Promise<void>;
}

function selectedServers(): MissServer[] {
  const all = [...SERVERS, ...extraServers()];
  const only = process.env.BENCH_MISS_ONLY?.split(',');
  return only ? all.filter((server) => server.role === 'floor' || only.includes(server.name)) : all;
}

export async function coldPath(upstreamLatencyMs: number, count: number, options: MissPathOptions = {}) {
  const servers = selectedServers();
  const standIn = await startChildServer(
    'bench/servers/stand-in.mjs',
    { UPSTREAM_LATENCY_MS: String(upstreamLatencyMs) },
    PRODUCTION_NODE_FLAGS,
  );
  const upstreamUrl = standIn.info.upstream as string;
  const started: Record<string, ChildServer> = {};
  const pools: Pool[] = [];
  try {
    for (const server of servers) {
      started[server.name] = await startChildServer(
        server.script,
        { UPSTREAM_URL: upstreamUrl, ...options.env },
        [...PRODUCTION_NODE_FLAGS, ...(options.nodeFlags ?? [])],
      );
    }
    const tasks: Record<string, (round: number) => Promise<unknown>> = {};
    const toStandIn = new Pool(new URL(upstreamUrl).origin, { connections: 1 });
    pools.push(toStandIn);
    tasks[STAND_IN] = async (round) => {
      const key = missKey(round);
      const query = new URLSearchParams({ time_scope: key.timeScope, region: key.region, id: key.id });
      const response = await toStandIn.request({
        method: 'GET',
        path: `/v1/tiktok/insights/product/detail?${query}`,
        headers: { authorization: 'Bearer bench-key', accept: 'application/json' },
      });
      await response.body.text();
    };
    for (const server of servers) {
      const url = (started[server.name] as ChildServer).url;
      await warmUp(url);
      const pool = new Pool(url, { connections: 1 });
      pools.push(pool);
      tasks[server.name] = async (round) => checkAnswer(server, await ask(pool, missBody(round)));
    }
    await checkSameData(started, servers);
    await options.beforeTiming?.(started);
    const timed = await timeRoundRobin(tasks, count);
    await options.afterTiming?.(started);
    return summarize(upstreamLatencyMs, count, servers, timed);
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
    await Promise.all([standIn, ...Object.values(started)].map((server) => server.stop()));
  }
}

async function ask(pool: Pool, body: string): Promise<string> {
  const response = await pool.request({
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
  return text;
}

function checkAnswer(server: MissServer, body: string) {
  if (!body.includes('"categoryInsight":{'))
    throw new Error(`${server.name}: no data: ${body.slice(0, 200)}`);
  if (server.role === 'gateway' && !body.includes('"upstreamCalls":1,'))
    throw new Error(`${server.name}: expected one upstream call (a miss): ${body.slice(0, 300)}`);
}

/**
 * Every GraphQL server answers the same data for one key, so none is timed doing less. Post IDs
 * are left out: the stand-in dates its synthetic posts by the clock.
 */
async function checkSameData(started: Record<string, ChildServer>, servers: MissServer[]) {
  // Far from the timed rounds, the untimed ones (-10..-1) and the warm-up.
  const body = missBody(-100);
  const answers = new Map<string, string>();
  for (const server of servers) {
    if (server.role === 'floor' || server.role === 'other') continue;
    const pool = new Pool((started[server.name] as ChildServer).url, { connections: 1 });
    try {
      const { data } = JSON.parse(await ask(pool, body));
      data.categoryInsight.posts.nodes = data.categoryInsight.posts.nodes.length;
      answers.set(server.name, JSON.stringify(data, sortedKeys));
    } finally {
      await pool.close();
    }
  }
  const [first, ...rest] = [...answers];
  for (const [name, data] of rest) {
    if (data !== first?.[1])
      throw new Error(`${name} answers other data than ${first?.[0]}:\n${data}\n${first?.[1]}`);
  }
}

/** Keys in one order: an executor may add a field as it resolves, not in selection order. */
const sortedKeys = (_key: string, value: unknown) =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
    : value;

/** Untimed requests for new keys, several at a time, until V8 has compiled the hot path. */
async function warmUp(url: string) {
  const pool = new Pool(url, { connections: WARMUP_CONCURRENCY });
  try {
    for (let sent = 0; sent < WARMUP_REQUESTS; sent += WARMUP_CONCURRENCY) {
      await Promise.all(
        Array.from({ length: WARMUP_CONCURRENCY }, (_, index) =>
          ask(pool, missBody(WARMUP_KEYS_FROM + sent + index)),
        ),
      );
    }
  } finally {
    await pool.close();
  }
}

type Timed = Record<string, { p50: number; p90: number; p99: number; count: number }>;

function summarize(upstreamLatencyMs: number, count: number, servers: MissServer[], timed: Timed) {
  const floor = timed[FLOOR] as Timed[string];
  const rows = [{ name: STAND_IN, role: 'reference' as Role }, ...servers].map(({ name, role }) => {
    const t = timed[name] as Timed[string];
    return {
      name,
      role,
      p50: t.p50,
      p90: t.p90,
      p99: t.p99,
      addedMs: { p50: round2(t.p50 - floor.p50), p99: round2(t.p99 - floor.p99) },
    };
  });
  const peers = rows.filter((row) => row.role === 'peer');
  const bestPeer = (pick: 'p50' | 'p99') =>
    peers.reduce((best, row) => (row.addedMs[pick] < best.addedMs[pick] ? row : best));
  const over = (row: (typeof rows)[number], pick: 'p50' | 'p99') => {
    if (peers.length === 0) return { peer: null, ratio: null };
    const peer = bestPeer(pick);
    // A peer at or below the floor (noise, at p99) leaves no ratio to speak of.
    const ratio = peer.addedMs[pick] > 0 ? round2(row.addedMs[pick] / peer.addedMs[pick]) : null;
    return { peer: peer.name, ratio };
  };
  const ratios = Object.fromEntries(
    rows
      .filter((row) => row.role === 'gateway' || row.role === 'variant' || row.role === 'baseline')
      .map((row) => [row.name, { p50: over(row, 'p50'), p99: over(row, 'p99') }]),
  );
  const gateway = ratios[GATEWAY];
  const meets = (ratio: number | null | undefined) => ratio != null && ratio <= TARGET_RATIO;
  return {
    upstreamLatencyMs,
    requests: count,
    servers: rows,
    ratios,
    target: {
      ratio: TARGET_RATIO,
      met: meets(gateway?.p50.ratio) && meets(gateway?.p99.ratio),
    },
  };
}

export type ColdPathResult = Awaited<ReturnType<typeof coldPath>>;

/** The run as a Markdown table and the gateway's ratios, as `npm run bench` prints them. */
export function printColdPath(result: ColdPathResult) {
  console.log(
    `\nMiss path at ${result.upstreamLatencyMs} ms upstream, ${result.requests} requests each, interleaved; added = server − floor\n`,
  );
  console.log(
    '| server | p50 ms | p90 ms | p99 ms | added p50 ms | added p99 ms | ÷ best peer p50 | ÷ best peer p99 |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of result.servers) {
    const ratio = result.ratios[row.name];
    const added =
      row.role === 'reference' || row.role === 'floor' ? ['', ''] : [row.addedMs.p50, row.addedMs.p99];
    console.log(
      `| ${row.name} | ${row.p50} | ${row.p90} | ${row.p99} | ${added[0]} | ${added[1]} | ${times(ratio?.p50.ratio)} | ${times(ratio?.p99.ratio)} |`,
    );
  }
  const gateway = result.ratios[GATEWAY];
  if (gateway) {
    console.log(
      `\ngateway added / best peer's (${gateway.p50.peer}): p50 ${times(gateway.p50.ratio)}, p99 ${times(gateway.p99.ratio)} (target ≤ ${result.target.ratio}×: ${result.target.met ? 'met' : 'not met'})`,
    );
  }
}

const times = (ratio: number | null | undefined) =>
  ratio === undefined ? '' : ratio === null ? 'n/a' : `${ratio}×`;
