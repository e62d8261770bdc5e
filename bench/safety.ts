/**
 * The production-safety findings, measured on the code before the fixes (commit de3fe6c, checked
 * out as a git worktree) and on this tree, in one run. Each gateway is a child process spoken to
 * over HTTP only, so the bench does not depend on either tree's internal APIs.
 * `npm run bench:safety` prints a table and writes bench/results/safety.json; words after it
 * (`npm run bench:safety -- APQ lease`) run only the findings whose names contain one of them.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { WebSocket } from 'undici';
import { THIRD_LEVEL_IDS } from '../src/demo-upstream/catalog.js';
import { type DemoUpstream, startDemoUpstream } from '../src/demo-upstream/demo-upstream.js';
import { freePort } from '../test/helpers/listen.js';
import { type PrivateRedis, startPrivateRedis } from '../test/helpers/redis.js';

const API_KEY = 'sk_live_BENCH_0123456789abcdef';
const OLD_COMMIT = 'de3fe6c';
const OLD_TREE = '/tmp/gateway-old';
const NEW_TREE = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REGIONS = ['US', 'GB', 'DE', 'FR', 'IT', 'ES', 'JP', 'MX'];
const POISON_ID = '601583';
const LEASE_ID = '601590';

interface Version {
  name: 'old' | 'new';
  tree: string;
  /** The version's default REDIS_LEASE_MS: how long a lease of a dead holder lives. */
  leaseMs: number;
  /** TRUST_PROXY meaning "one load balancer in front" in this version's syntax. */
  trustOneProxy: string;
}

const VERSIONS: Version[] = [
  { name: 'old', tree: OLD_TREE, leaseMs: 20_000, trustOneProxy: 'true' },
  { name: 'new', tree: NEW_TREE, leaseMs: 1_500, trustOneProxy: '1' },
];

type Measures = Record<string, string | number>;

interface Case {
  finding: string;
  run(version: Version, upstream: DemoUpstream): Promise<Measures>;
}

/** The old tree as a worktree of this repository, sharing its node_modules; never committed to. */
function prepareOldTree() {
  if (!existsSync(join(OLD_TREE, 'src/main.ts'))) {
    execFileSync('git', ['-C', NEW_TREE, 'worktree', 'prune']);
    execFileSync('git', ['-C', NEW_TREE, 'worktree', 'add', '--detach', OLD_TREE, OLD_COMMIT], {
      stdio: 'ignore',
    });
  }
  if (!existsSync(join(OLD_TREE, 'node_modules'))) {
    symlinkSync(join(NEW_TREE, 'node_modules'), join(OLD_TREE, 'node_modules'));
  }
}

interface GatewayProcess {
  url: string;
  /** The separate metrics listener, when the version has one. */
  metricsUrl: string | undefined;
  pid: number;
  rssMb(): number;
  /** Heap in use right after a full GC, read through the V8 inspector: what the process retains. */
  liveHeapMb(): Promise<number>;
  stop(): Promise<void>;
}

/** One Chrome DevTools Protocol command over the inspector's WebSocket. */
async function inspectorCall(
  socket: WebSocket,
  id: number,
  method: string,
): Promise<Record<string, number> | undefined> {
  const answer = new Promise<Record<string, number> | undefined>((resolve) => {
    const onMessage = (event: { data: unknown }) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: Record<string, number> };
      if (message.id !== id) return;
      socket.removeEventListener('message', onMessage);
      resolve(message.result);
    };
    socket.addEventListener('message', onMessage);
  });
  socket.send(JSON.stringify({ id, method }));
  return answer;
}

async function startGateway(version: Version, env: Record<string, string>): Promise<GatewayProcess> {
  // The inspector only listens; it runs nothing until the bench asks for a heap reading.
  const child: ChildProcess = spawn(
    process.execPath,
    ['--inspect=127.0.0.1:0', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: version.tree,
      // Only what is named here: nothing from the bench's own environment leaks into a gateway.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'production',
        GRAPHIQL_ENABLED: 'false',
        KEYAPI_API_KEY: API_KEY,
        PORT: '0',
        METRICS_PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const tail: string[] = [];
  const remember = (chunk: Buffer) => {
    tail.push(...chunk.toString().split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 20));
  };
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk;
    remember(chunk);
  });
  const ports = await new Promise<{ port: number; metricsPort: number | undefined }>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`${version.name} gateway not listening after 30 s`)),
      30_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      remember(chunk);
      buffer += chunk;
      const port = /localhost:(\d+)\/graphql/.exec(buffer)?.[1];
      if (port) {
        clearTimeout(timer);
        const metricsPort = /metrics at http:\/\/localhost:(\d+)\/metrics/.exec(buffer)?.[1];
        resolve({ port: Number(port), metricsPort: metricsPort ? Number(metricsPort) : undefined });
        buffer = '';
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${version.name} gateway exited with ${code}: ${tail.join(' | ')}`));
    });
  });
  return {
    url: `http://127.0.0.1:${ports.port}`,
    metricsUrl: ports.metricsPort === undefined ? undefined : `http://127.0.0.1:${ports.metricsPort}/metrics`,
    pid: child.pid as number,
    rssMb() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    },
    async liveHeapMb() {
      const inspector = /ws:\/\/\S+/.exec(stderr)?.[0];
      if (!inspector) throw new Error('the inspector did not say where it listens');
      const socket = new WebSocket(inspector);
      await new Promise((resolve, reject) => {
        socket.addEventListener('open', resolve);
        socket.addEventListener('error', reject);
      });
      try {
        await inspectorCall(socket, 1, 'HeapProfiler.collectGarbage');
        const usage = await inspectorCall(socket, 2, 'Runtime.getHeapUsage');
        return Math.round((usage?.usedSize ?? 0) / 1_048_576);
      } finally {
        socket.close();
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  extensions?: { cost?: { credits?: number } };
}

async function post(
  gateway: GatewayProcess,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: GraphQLBody }> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as GraphQLBody };
  } catch {
    return { status: response.status, body: { errors: [{ message: text.slice(0, 200) }] } };
  }
}

const insightQuery = (id: string, region: string) =>
  `{ categoryInsight(id: "${id}", region: "${region}") { id title } }`;

/** The `count` distinct (category, region) keys from `from` on, none of the poison or lease category. */
function distinctKeys(count: number, from = 0): Array<{ id: string; region: string }> {
  const all = REGIONS.flatMap((region) => THIRD_LEVEL_IDS.map((id) => ({ id, region }))).filter(
    (key) => key.id !== POISON_ID && key.id !== LEASE_ID,
  );
  return all.slice(from, from + count);
}

async function ask(gateway: GatewayProcess, key: { id: string; region: string }, headers = {}) {
  const { status, body } = await post(gateway, { query: insightQuery(key.id, key.region) }, headers);
  return {
    ok: status === 200 && !body.errors && body.data?.categoryInsight != null,
    credits: body.extensions?.cost?.credits ?? 0,
    code: body.errors?.[0]?.extensions?.code ?? (body.errors ? 'error' : 'ok'),
  };
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const codes = (results: ReadonlyArray<{ code: string }>) => {
  const counts = new Map<string, number>();
  for (const { code } of results) counts.set(code, (counts.get(code) ?? 0) + 1);
  return [...counts].map(([code, count]) => `${code}×${count}`).join(', ');
};

/** Starts a gateway, runs `body` against it, and kills it whatever happens. */
async function withGateway<T>(
  version: Version,
  env: Record<string, string>,
  body: (gateway: GatewayProcess) => Promise<T>,
): Promise<T> {
  const gateway = await startGateway(version, env);
  try {
    return await body(gateway);
  } finally {
    await gateway.stop();
  }
}

async function withRedis<T>(body: (redis: PrivateRedis) => Promise<T>): Promise<T> {
  const redis = await startPrivateRedis();
  try {
    return await body(redis);
  } finally {
    await redis.stop();
  }
}

const prefixFor = (version: Version, label: string) => `bench-safety:${version.name}:${label}:`;
const today = () => new Date().toISOString().slice(0, 10);

const CASES: Case[] = [
  {
    finding: '2 metric labels',
    run: (version, upstream) =>
      withGateway(version, { KEYAPI_BASE_URL: upstream.url }, async (gateway) => {
        const rssBefore = gateway.rssMb();
        const requests = Array.from({ length: 3_000 }, (_, index) => {
          const name = `Op${randomBytes(8).toString('hex')}`;
          return index % 2 === 0
            ? { query: '{ categoryInsight(id: ', operationName: name }
            : { query: `query ${name} { __typename }`, operationName: name };
        });
        await pool(requests, 32, (body) => post(gateway, body));
        const publicMetrics = await fetch(`${gateway.url}/metrics`);
        const publicText = await publicMetrics.text();
        const text = gateway.metricsUrl ? await (await fetch(gateway.metricsUrl)).text() : publicText;
        const labels = new Set([...text.matchAll(/operation="((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]));
        return {
          'metrics text (bytes)': Buffer.byteLength(text),
          'distinct operation labels': labels.size,
          'public GET /metrics status': publicMetrics.status,
          'RSS before → after (MB)': `${rssBefore} → ${gateway.rssMb()}`,
        };
      }),
  },
  {
    finding: '2 APQ',
    run: (version, upstream) =>
      withGateway(version, { KEYAPI_BASE_URL: upstream.url }, async (gateway) => {
        const rssBefore = gateway.rssMb();
        const heapBefore = await gateway.liveHeapMb();
        const texts = Array.from({ length: 1_000 }, (_, index) =>
          `not graphql ${index} ${randomBytes(30_000).toString('hex')}`.slice(0, 60_000),
        );
        const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');
        await pool(texts, 16, (query) =>
          post(gateway, { query, extensions: { persistedQuery: { version: 1, sha256Hash: hashOf(query) } } }),
        );
        const rssAfter = gateway.rssMb();
        const heapAfter = await gateway.liveHeapMb();
        // graphql-yoga's parser keeps its last 1,024 parse errors keyed by the text, in both
        // versions: push the 60 KB texts out of it, so what stays is what the APQ store holds.
        await pool(
          Array.from({ length: 1_100 }, (_, index) => `{ flush${index}`),
          32,
          (query) => post(gateway, { query }),
        );
        const heapFlushed = await gateway.liveHeapMb();
        const replay = await post(gateway, {
          extensions: { persistedQuery: { version: 1, sha256Hash: hashOf(texts[500] as string) } },
        });
        const error = replay.body.errors?.[0];
        return {
          'RSS growth after 1,000 × 60 KB (MB)': rssAfter - rssBefore,
          'live heap after GC: before → after (MB)': `${heapBefore} → ${heapAfter}`,
          'live heap after GC, parser cache flushed (MB)': heapFlushed,
          'hash-only request answers': `${error?.extensions?.code ?? 'no error'}: ${error?.message.slice(0, 50) ?? ''}`,
        };
      }),
  },
  {
    finding: '5 credits for calls never sent',
    run: async (version) => {
      const closed = await freePort();
      return withGateway(version, { KEYAPI_BASE_URL: `http://127.0.0.1:${closed}` }, async (gateway) => {
        const results = [];
        for (const key of distinctKeys(3)) results.push(await ask(gateway, key));
        return {
          'credits reported for 3 refused connections': sum(results.map((result) => result.credits)),
          'answers (error codes)': codes(results),
        };
      });
    },
  },
  {
    finding: '7 poison key',
    run: (version, upstream) =>
      withGateway(version, { KEYAPI_BASE_URL: upstream.url }, async (gateway) => {
        upstream.setFault(POISON_ID, { kind: 'status', status: 500 });
        const poison = [];
        for (let attempt = 0; attempt < 3; attempt++)
          poison.push(await ask(gateway, { id: POISON_ID, region: 'US' }));
        const healthy = [];
        for (const key of distinctKeys(5)) healthy.push(await ask(gateway, key));
        return {
          'poison key answers (codes)': codes(poison),
          'healthy keys answered (of 5)': healthy.filter((result) => result.ok).length,
          'healthy answers (codes)': codes(healthy),
          'upstream calls for the poison key': upstream.calls.filter((call) => call.id === POISON_ID).length,
        };
      }),
  },
  {
    finding: '8 spoofed X-Forwarded-For',
    run: (version, upstream) =>
      withGateway(
        version,
        {
          KEYAPI_BASE_URL: upstream.url,
          CREDIT_BUDGET_PER_CLIENT_DAILY: '20',
          TRUST_PROXY: version.trustOneProxy,
        },
        async (gateway) => {
          const results = [];
          for (const [index, key] of distinctKeys(15).entries()) {
            results.push(
              await ask(gateway, key, { 'x-forwarded-for': `198.51.100.${index + 1}, 203.0.113.7` }),
            );
          }
          return {
            'credits spent (cap 20 per client)': sum(results.map((result) => result.credits)),
            'upstream calls × 2': upstream.calls.length * 2,
            'answers (codes)': codes(results),
          };
        },
      ),
  },
  {
    finding: '9 429 storm',
    run: (version, upstream) =>
      withGateway(version, { KEYAPI_BASE_URL: upstream.url }, async (gateway) => {
        upstream.setFault('*', { kind: 'status', status: 429 });
        const started = Date.now();
        const results = await Promise.all(distinctKeys(20).map((key) => ask(gateway, key)));
        return {
          'upstream calls for 20 requests': upstream.calls.length,
          'credits reported': sum(results.map((result) => result.credits)),
          'seconds until all answered': ((Date.now() - started) / 1000).toFixed(1),
          'answers (codes)': codes(results),
        };
      }),
  },
  {
    finding: '4 readiness, Redis down',
    run: (version, upstream) =>
      withRedis((redis) =>
        withGateway(
          version,
          {
            KEYAPI_BASE_URL: upstream.url,
            REDIS_URL: redis.url,
            REDIS_KEY_PREFIX: prefixFor(version, 'ready'),
          },
          async (gateway) => {
            const first = await ask(gateway, { id: '601584', region: 'US' });
            await redis.stop();
            await sleep(1_000);
            const ready = await fetch(`${gateway.url}/ready`, { signal: AbortSignal.timeout(10_000) });
            const readyBody = await ready.text();
            const results = [];
            for (const key of distinctKeys(5, 1)) results.push(await ask(gateway, key));
            return {
              'query before the kill': first.code,
              'GET /ready status': ready.status,
              'GET /ready body': readyBody,
              'queries answered with Redis down (of 5)': results.filter((result) => result.ok).length,
            };
          },
        ),
      ),
  },
  {
    finding: '3 books across a Redis restart',
    run: (version, upstream) =>
      withRedis((redis) => {
        const prefix = prefixFor(version, 'books');
        return withGateway(
          version,
          {
            KEYAPI_BASE_URL: upstream.url,
            REDIS_URL: redis.url,
            REDIS_KEY_PREFIX: prefix,
            CREDIT_BUDGET_GLOBAL_DAILY: '40',
          },
          async (gateway) => {
            const keys = distinctKeys(26);
            const before = [];
            for (const key of keys.slice(0, 5)) before.push(await ask(gateway, key));
            await redis.stop();
            const during = [];
            for (const key of keys.slice(5, 25)) during.push(await ask(gateway, key));
            await redis.restart();
            await sleep(4_000);
            const after = await ask(gateway, keys[25] as { id: string; region: string });
            const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
            const dayKey = (template: string) => `${prefix}credits:${template}:global`;
            const counter =
              version.name === 'old'
                ? Number((await client.get(dayKey(today()))) ?? 0)
                : sum((await client.hvals(dayKey(`{${today()}}`))).map(Number));
            client.disconnect();
            return {
              'credits actually spent (cap 40)': upstream.calls.length * 2,
              'answered: before / while down / after': `${before.filter((r) => r.ok).length} / ${during.filter((r) => r.ok).length} / ${after.ok ? 1 : 0}`,
              "day's global counter in Redis afterwards": counter,
            };
          },
        );
      }),
  },
];

/** Finding 12 shares one Redis between the bench (as the dead holder) and the gateway. */
const LEASE_CASE: Case = {
  finding: '12 dead lease holder',
  run: (version, upstream) =>
    withRedis(async (redis) => {
      const prefix = prefixFor(version, 'lease');
      return withGateway(
        version,
        { KEYAPI_BASE_URL: upstream.url, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix },
        async (gateway) => {
          const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
          await client.set(`${prefix}lease:${LEASE_ID}:all_regions:1`, 'dead', 'PX', version.leaseMs);
          client.disconnect();
          const started = Date.now();
          const { status, body } = await post(gateway, {
            query: `{ categoryInsight(id: "${LEASE_ID}") { id } }`,
          });
          return {
            'seconds to answer behind a dead lease': ((Date.now() - started) / 1000).toFixed(2),
            answer: status === 200 && !body.errors ? 'ok' : (body.errors?.[0]?.extensions?.code ?? 'error'),
          };
        },
      );
    }),
};

interface Row {
  finding: string;
  measure: string;
  old: string | number;
  new: string | number;
}

async function main() {
  const startedAt = Date.now();
  prepareOldTree();
  const upstream = await startDemoUpstream({ apiKey: API_KEY });
  const rows: Row[] = [];
  const results: Array<{ finding: string } & Record<'old' | 'new', Measures>> = [];
  const only = process.argv.slice(2);
  const chosen = [...CASES, LEASE_CASE].filter(
    (entry) => only.length === 0 || only.some((word) => entry.finding.includes(word)),
  );
  for (const entry of chosen) {
    const measured: Record<'old' | 'new', Measures> = { old: {}, new: {} };
    for (const version of VERSIONS) {
      upstream.reset();
      const caseStarted = Date.now();
      try {
        measured[version.name] = await entry.run(version, upstream);
      } catch (error) {
        measured[version.name] = { failed: (error as Error).message.slice(0, 300) };
      }
      upstream.reset();
      console.error(
        `${entry.finding} (${version.name}): ${((Date.now() - caseStarted) / 1000).toFixed(1)} s`,
      );
    }
    results.push({ finding: entry.finding, ...measured });
    const measures = [...new Set([...Object.keys(measured.old), ...Object.keys(measured.new)])];
    for (const measure of measures) {
      rows.push({
        finding: entry.finding,
        measure,
        old: measured.old[measure] ?? '—',
        new: measured.new[measure] ?? '—',
      });
    }
  }
  await upstream.close();

  const cell = (value: string | number) => String(value).replaceAll('|', '\\|').replaceAll('\n', ' ');
  console.log('| finding | measure | old | new |');
  console.log('|---|---|---|---|');
  for (const row of rows) {
    console.log(`| ${row.finding} | ${row.measure} | ${cell(row.old)} | ${cell(row.new)} |`);
  }
  console.log(`\nTotal: ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);

  const out = join(NEW_TREE, 'bench/results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'safety.json'),
    `${JSON.stringify({ date: new Date().toISOString(), oldCommit: OLD_COMMIT, results }, null, 2)}\n`,
  );
}

await main();
