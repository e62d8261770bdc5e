import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './listen.js';
import { kill, probe, spawnServer, until } from './redis-process.js';

export interface PrivateSentinel {
  /** The sentinel as `host:port`, the way REDIS_SENTINELS takes them. */
  sentinels: string;
  /** The master group name it monitors. */
  name: string;
  /** The master as the sentinel names it now, for looking behind the gateway. */
  masterUrl(): Promise<string>;
  /** Kills the master, as a crash would. */
  killMaster(): Promise<void>;
  /** Waits until the sentinel has promoted the replica. */
  failedOver(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A master, its replica and one sentinel monitoring them (quorum 1), which takes a master for
 * dead after a second; the master and its replica known once this resolves.
 */
export async function startPrivateSentinel(name = 'gateway'): Promise<PrivateSentinel> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-sentinel-'));
  const [masterPort, replicaPort, sentinelPort] = [await freePort(), await freePort(), await freePort()];
  const children = new Map<number, ChildProcess>();
  const stop = async () => {
    await Promise.all([...children.values()].map(kill));
    await rm(dir, { recursive: true, force: true });
  };
  const ask = async <T>(question: (sentinel: ReturnType<typeof probe>) => Promise<T>): Promise<T> => {
    const sentinel = probe(sentinelPort);
    try {
      await sentinel.connect();
      return await question(sentinel);
    } finally {
      sentinel.disconnect();
    }
  };
  const masterPortNow = () =>
    ask(async (sentinel) => {
      const address = (await sentinel.call('SENTINEL', 'get-master-addr-by-name', name)) as string[] | null;
      return Number(address?.[1]);
    });
  try {
    for (const [port, extra] of [
      [masterPort, []],
      [replicaPort, ['--replicaof', '127.0.0.1', String(masterPort)]],
    ] as const) {
      const args = [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
      ];
      children.set(port, await spawnServer(port, [...args, ...extra]));
    }
    await linkUp(replicaPort);
    // Sentinel rewrites its configuration file, so it gets one of its own.
    const config = join(dir, 'sentinel.conf');
    await writeFile(
      config,
      [
        ...[`port ${sentinelPort}`, 'bind 127.0.0.1', `dir ${dir}`],
        `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 10000`,
        '',
      ].join('\n'),
    );
    children.set(sentinelPort, await spawnServer(sentinelPort, [config, '--sentinel']));
    await until('the sentinel to know the master and its replica', () =>
      ask(async (sentinel) => {
        const replicas = (await sentinel.call('SENTINEL', 'replicas', name)) as unknown[];
        return (await masterPortNow()) === masterPort && replicas.length === 1;
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    sentinels: `127.0.0.1:${sentinelPort}`,
    name,
    masterUrl: async () => `redis://127.0.0.1:${await masterPortNow()}`,
    killMaster: () => kill(children.get(masterPort)),
    failedOver: () =>
      until('the replica to be promoted', async () => (await masterPortNow()) === replicaPort),
    stop,
  };
}

/** Waits until the replica at `port` has synced with its master. */
async function linkUp(port: number): Promise<void> {
  const replica = probe(port);
  try {
    await replica.connect();
    await until(`the replica on ${port} to sync`, async () =>
      /master_link_status:up/.test(await replica.info('replication')),
    );
  } finally {
    replica.disconnect();
  }
}
