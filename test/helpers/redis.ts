import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Redis, type RedisOptions } from 'ioredis';
import { afterEach, beforeEach } from 'vitest';
import { freePort } from './listen.js';

/** The project's shared Redis on this machine; tests use their own key prefix and clean up. */
export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(): string {
  return `test:${randomUUID()}:`;
}

/** Every key under `prefix` on one node, by SCAN. */
export async function scanKeys(node: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys.sort();
}

/** Every key under `prefix` on the server at `url`. */
export async function keysUnder(url: string, prefix: string): Promise<string[]> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await scanKeys(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const keys = await scanKeys(redis, prefix);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** A redis-server that keeps nothing on disk, answering on `port` once this resolves. */
async function spawnRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const probe = new Redis(`redis://127.0.0.1:${port}`, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  for (let attempt = 0; ; attempt++) {
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return child;
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export interface PrivateRedis {
  url: string;
  /** Kills the server, as a crash would. */
  stop(): Promise<void>;
  /** Starts a new, empty server on the same port. */
  restart(): Promise<void>;
}

/** A private redis-server on a port of its own, for tests that must stop it. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child = await spawnRedis(port);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    async restart() {
      await stop();
      child = await spawnRedis(port);
    },
  };
}

/**
 * For a `describe` whose tests talk to Redis: each test gets a key prefix of its own and the
 * errors its code reported; every connection it opened is closed and its keys deleted after it.
 */
export function useRedisKeys(url = SHARED_REDIS_URL) {
  const state = { prefix: '', errors: [] as unknown[] };
  let clients: Redis[] = [];
  beforeEach(() => {
    state.prefix = uniquePrefix();
    state.errors.length = 0;
  });
  afterEach(async () => {
    for (const client of clients) client.disconnect();
    clients = [];
    await deleteKeys(url, state.prefix);
  });
  return {
    get prefix() {
      return state.prefix;
    },
    errors: state.errors,
    onError: (error: unknown) => void state.errors.push(error),
    /** A connection under this test's prefix, closed after the test. */
    client(options: RedisOptions = {}, target = url): Redis {
      const client = new Redis(target, { keyPrefix: state.prefix, maxRetriesPerRequest: 1, ...options });
      client.on('error', () => {});
      clients.push(client);
      return client;
    },
  };
}
