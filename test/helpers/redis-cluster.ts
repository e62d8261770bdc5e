import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { freePort } from './listen.js';
import { scanKeys } from './redis.js';

// Private Redis Cluster and Sentinel deployments of local processes, for the tests of those
// topologies: nothing on disk but their own node files, all in one temporary directory.

const run = promisify(execFile);

/** A client that tries once: for probing a process that may not listen yet. */
function probe(port: number): Redis {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  return client;
}

/** Polls `check` until it holds; generous, since a cluster turns ok only seconds after its nodes start. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A redis-server (or sentinel) answering on `port` once this resolves. */
async function spawnServer(port: number, args: string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const client = probe(port);
  try {
    await until(`redis-server on ${port}`, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server on ${port} exited with ${child.exitCode}`);
      if (client.status !== 'ready') await client.connect();
      return (await client.ping()) === 'PONG';
    });
  } finally {
    client.disconnect();
  }
  return child;
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

export interface PrivateCluster {
  /** Every master as `host:port,…`, the way REDIS_CLUSTER_NODES takes them. */
  nodes: string;
  /** Every key under `prefix`, collected from each master (SCAN sees one node only). */
  keys(prefix: string): Promise<string[]>;
  /** The slot of each key, as the cluster computes it. */
  slots(keys: string[]): Promise<number[]>;
  /** Kills the master that serves `key`, as a crash would. */
  killMasterOf(key: string): Promise<void>;
  /** Starts every killed master again with its node file: it rejoins with its slots. */
  revive(): Promise<void>;
  stop(): Promise<void>;
}

/** Three masters, no replicas, every slot assigned; `cluster_state:ok` on each once this resolves. */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-cluster-'));
  const ports: number[] = [];
  const children = new Map<number, ChildProcess>();
  const startNode = async (port: number, busPort: number) => {
    const child = await spawnServer(port, [
      ...['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1'],
      ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`)],
      ...['--dir', dir, '--save', '', '--appendonly', 'no'],
    ]);
    children.set(port, child);
  };
  const busPorts = new Map<number, number>();
  const stop = async () => {
    await Promise.all([...children.values()].map(kill));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // The cluster bus listens on a port of its own, chosen here, not data port + 10000.
    for (let index = 0; index < 3; index++) {
      const [port, busPort] = [await freePort(), await freePort()];
      ports.push(port);
      busPorts.set(port, busPort);
    }
    await Promise.all(ports.map((port) => startNode(port, busPorts.get(port) as number)));
    const addresses = ports.map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    await Promise.all(ports.map((port) => clusterOk(port)));
  } catch (error) {
    await stop();
    throw error;
  }
  const admin = new Cluster(
    ports.map((port) => ({ host: '127.0.0.1', port })),
    { redisOptions: { maxRetriesPerRequest: 0 } },
  );
  admin.on('error', () => {});
  const killed = new Set<number>();
  return {
    nodes: ports.map((port) => `127.0.0.1:${port}`).join(','),
    async keys(prefix) {
      const found = await Promise.all(admin.nodes('master').map((node) => scanKeys(node, prefix)));
      return found.flat().sort();
    },
    slots: (keys) => Promise.all(keys.map(async (key) => Number(await admin.cluster('KEYSLOT', key)))),
    async killMasterOf(key) {
      const slot = Number(await admin.cluster('KEYSLOT', key));
      const port = ports.find((candidate) => admin.slots[slot]?.[0] === `127.0.0.1:${candidate}`);
      if (port === undefined) throw new Error(`no master known for slot ${slot}`);
      killed.add(port);
      await kill(children.get(port));
    },
    async revive() {
      for (const port of killed) await startNode(port, busPorts.get(port) as number);
      killed.clear();
      await Promise.all(ports.map((port) => clusterOk(port)));
    },
    async stop() {
      admin.disconnect();
      await stop();
    },
  };
}

/** Waits until the node at `port` sees every slot served. */
async function clusterOk(port: number): Promise<void> {
  const client = probe(port);
  try {
    await client.connect();
    await until(`cluster_state:ok on ${port}`, async () =>
      /cluster_state:ok/.test(String(await client.cluster('INFO'))),
    );
  } finally {
    client.disconnect();
  }
}

export interface PrivateSentinel {
  /** The sentinel as `host:port`, the way REDIS_SENTINELS takes them. */
  sentinels: string;
  /** The master group name it monitors. */
  name: string;
  /** The master itself, for looking behind the gateway. */
  masterUrl: string;
  stop(): Promise<void>;
}

/** One master and one sentinel monitoring it (quorum 1), the master known once this resolves. */
export async function startPrivateSentinel(name = 'gateway'): Promise<PrivateSentinel> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-sentinel-'));
  const [masterPort, sentinelPort] = [await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(kill));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    children.push(
      await spawnServer(masterPort, [
        ...['--port', String(masterPort), '--bind', '127.0.0.1', '--dir', dir],
        ...['--save', '', '--appendonly', 'no'],
      ]),
    );
    // Sentinel rewrites its configuration file, so it gets one of its own.
    const config = join(dir, 'sentinel.conf');
    await writeFile(
      config,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${name} 5000`,
        '',
      ].join('\n'),
    );
    children.push(await spawnServer(sentinelPort, [config, '--sentinel']));
    const sentinel = probe(sentinelPort);
    try {
      await sentinel.connect();
      await until('the sentinel to know its master', async () =>
        Array.isArray(await sentinel.call('SENTINEL', 'get-master-addr-by-name', name)),
      );
    } finally {
      sentinel.disconnect();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    sentinels: `127.0.0.1:${sentinelPort}`,
    name,
    masterUrl: `redis://127.0.0.1:${masterPort}`,
    stop,
  };
}
