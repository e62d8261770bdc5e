import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort } from './listen.js';
import { type RoundRobin, startRoundRobin } from './round-robin.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 45_000;
const STOP_GRACE_MS = 5_000;

export interface GatewayProcess {
  url: string;
  /** What the process printed so far: for a failure's message. */
  output(): string;
  /** Sends `signal` (SIGKILL if SIGTERM is not enough); resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface FleetEnvOptions {
  upstreamUrl: string;
  apiKey: string;
  clusterNodes: string;
  keyPrefix: string;
  /** Freshness of a one-day insight: each window of this length pays once per key. */
  freshMs: number;
}

/** What every instance of a fleet shares: one upstream, one Redis Cluster, one key prefix. */
export function fleetEnv(options: FleetEnvOptions): Record<string, string> {
  return {
    KEYAPI_API_KEY: options.apiKey,
    KEYAPI_BASE_URL: options.upstreamUrl,
    REDIS_CLUSTER_NODES: options.clusterNodes,
    REDIS_KEY_PREFIX: options.keyPrefix,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    // Pacing and daily caps would decide the counts these runs are about.
    KEYAPI_MAX_QPS: '10000',
    CREDIT_BUDGET_PER_CLIENT_DAILY: '1000000',
    CREDIT_BUDGET_GLOBAL_DAILY: '1000000',
    // An answer is fresh for one window and then gone: nothing stale is served or refreshed behind.
    CACHE_TTL_1_MS: String(options.freshMs),
    CACHE_STALE_GRACE_MS: '0',
    CACHE_STALE_WHILE_REVALIDATE: 'false',
  };
}

/**
 * The gateway as `npm start` runs it, without npm in between (so a signal reaches node itself),
 * on ports of its own; resolves once `/ready` says its Redis is connected. `tree` is the checkout
 * it runs from: this one unless a bench compares another commit.
 */
export async function startGatewayProcess(env: Record<string, string>, tree = ROOT): Promise<GatewayProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePorts(env, tree);
    } catch (error) {
      // A port found free can be taken before the gateway binds it (another instance starting).
      if (attempt === 3 || !/EADDRINUSE/.test((error as Error).message)) throw error;
    }
  }
}

async function startOnFreePorts(env: Record<string, string>, tree: string): Promise<GatewayProcess> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: tree,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), METRICS_PORT: String(metricsPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const append = (chunk: Buffer) => {
    text += chunk;
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const url = `http://127.0.0.1:${port}`;
  const started = { url, output: () => text, stop: (signal?: NodeJS.Signals) => stop(child, signal) };
  try {
    await untilReady(url, child);
  } catch (error) {
    await started.stop('SIGKILL');
    throw new Error(`${(error as Error).message}; it printed:\n${text}`);
  }
  return started;
}

/** Polls `/ready` until it answers 200 with Redis connected, or the process exits. */
async function untilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}`);
    const redis = await fetch(`${url}/ready`)
      .then(async (response) => (response.ok ? ((await response.json()) as { redis: string }).redis : ''))
      .catch(() => '');
    if (redis === 'ok') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the gateway at ${url} was not ready with Redis within ${READY_TIMEOUT_MS} ms`);
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const forced = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(forced);
}

export interface GatewayFleet {
  instances: GatewayProcess[];
  /** Spreads requests over `instances` in turn. */
  balancer: RoundRobin;
  stop(): Promise<void>;
}

/** `size` gateway processes with one environment, behind a round-robin of their own. */
export async function startGatewayFleet(size: number, env: Record<string, string>): Promise<GatewayFleet> {
  const settled = await Promise.allSettled(Array.from({ length: size }, () => startGatewayProcess(env)));
  const instances = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(instances.map((instance) => instance.stop()));
    throw failed.reason;
  }
  const balancer = await startRoundRobin(instances.map((instance) => instance.url));
  return {
    instances,
    balancer,
    async stop() {
      await balancer.close();
      await Promise.all(instances.map((instance) => instance.stop()));
    },
  };
}
