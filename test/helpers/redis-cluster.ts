import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { freePort } from './listen.js';
import { scanKeys } from './redis.js';
import { kill, probe, spawnServer, until } from './redis-process.js';

// A private Redis Cluster of local processes: nothing on disk but its node files, all in one
// temporary directory.

const run = promisify(execFile);

export interface PrivateCluster {
  /** Every node as `host:port,…`, the way REDIS_CLUSTER_NODES takes them. */
  nodes: string;
  /** Every key under `prefix`, collected from each master (SCAN sees one node only). */
  keys(prefix: string): Promise<string[]>;
  /** The slot of each key, as the cluster computes it. */
  slots(keys: string[]): Promise<number[]>;
  /** The master that serves each key, as `host:port`. */
  mastersOf(keys: readonly string[]): Promise<string[]>;
  /** Kills the master that serves `key`, as a crash would. */
  killMasterOf(key: string): Promise<void>;
  /** Waits until a replica serves every slot of the killed masters and the cluster is ok again. */
  failedOver(): Promise<void>;
  /** Starts every killed master again with its node file: it rejoins with its slots. */
  revive(): Promise<void>;
  stop(): Promise<void>;
}

export interface PrivateClusterOptions {
  /** Replicas per master; with them, a killed master's replica takes over within about 2 s. */
  replicas?: number;
}

/** Three masters, every slot assigned; `cluster_state:ok` on each node once this resolves. */
export async function startPrivateCluster({
  replicas = 0,
}: PrivateClusterOptions = {}): Promise<PrivateCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-cluster-'));
  const ports: number[] = [];
  const children = new Map<number, ChildProcess>();
  const startNode = async (port: number, busPort: number) => {
    const child = await spawnServer(port, [
      ...['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1'],
      ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`)],
      ...['--dir', dir, '--save', '', '--appendonly', 'no'],
      // With replicas, a failed master is noticed after a second and any replica may take over.
      ...(replicas > 0 ? ['--cluster-node-timeout', '1000', '--cluster-replica-validity-factor', '0'] : []),
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
    for (let index = 0; index < 3 * (1 + replicas); index++) {
      const [port, busPort] = [await freePort(), await freePort()];
      ports.push(port);
      busPorts.set(port, busPort);
    }
    await Promise.all(ports.map((port) => startNode(port, busPorts.get(port) as number)));
    const addresses = ports.map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
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
  /** Asked of a live node each time: the admin client's slot map may be stale or not loaded yet. */
  const mastersOf = async (keys: readonly string[]) => {
    const client = probe(ports.find((port) => !killed.has(port)) as number);
    try {
      await client.connect();
      const ranges = await client.cluster('SLOTS');
      return await Promise.all(
        keys.map(async (key) => {
          const slot = Number(await client.cluster('KEYSLOT', key));
          const master = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2];
          if (!master) throw new Error(`no master serves slot ${slot}`);
          return `${master[0]}:${master[1]}`;
        }),
      );
    } finally {
      client.disconnect();
    }
  };
  return {
    nodes: ports.map((port) => `127.0.0.1:${port}`).join(','),
    async keys(prefix) {
      const found = await Promise.all(admin.nodes('master').map((node) => scanKeys(node, prefix)));
      return found.flat().sort();
    },
    slots: (keys) => Promise.all(keys.map(async (key) => Number(await admin.cluster('KEYSLOT', key)))),
    mastersOf,
    async killMasterOf(key) {
      const [master] = await mastersOf([key]);
      const port = ports.find((candidate) => master === `127.0.0.1:${candidate}`) as number;
      killed.add(port);
      await kill(children.get(port));
    },
    async failedOver() {
      const survivor = ports.find((port) => !killed.has(port)) as number;
      const client = probe(survivor);
      try {
        await client.connect();
        await until('a replica to take over', async () => {
          const nodes = String(await client.cluster('NODES')).split('\n');
          // Flags `fail`, not `fail?`: the cluster agrees the master is gone, and its replica serves.
          const failed = [...killed].every((port) =>
            nodes.some(
              (line) => line.includes(`:${port}@`) && line.split(' ')[2]?.split(',').includes('fail'),
            ),
          );
          return failed && /cluster_state:ok/.test(String(await client.cluster('INFO')));
        });
      } finally {
        client.disconnect();
      }
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
