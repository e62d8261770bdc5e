import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../../redis/connection.js';
import type { FleetChannel } from '../../redis/fleet-channel.js';

/**
 * Cross-instance coalescing: before paying for a key, an instance takes its lease in Redis.
 * Others see the lease and wait for the answer to land in the shared cache, woken by the holder's
 * release over pub/sub (or, if that message is lost, by looking again later). The lease is short
 * and renewed while the holder's call runs, so the others wait as long as a live holder needs,
 * and take over within one lease of a holder that died.
 */
export interface FetchLease {
  /** How long a lease lives unless renewed. */
  readonly leaseMs: number;
  /** True if this instance now holds the lease for `id`; throws if Redis cannot say. */
  acquire(id: string): Promise<boolean>;
  /** Extends our own lease by another `leaseMs`. */
  renew(id: string): Promise<void>;
  release(id: string): Promise<void>;
  isHeld(id: string): Promise<boolean>;
  /** Resolves when a holder releases `id`, or after `ms` (a holder that died releases nothing). */
  released(id: string, ms: number): Promise<void>;
}

// Touch only our own lease: after an expiry another instance may hold it.
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

export function createFetchLease(redis: RedisClient, leaseMs: number, fleet?: FleetChannel): FetchLease {
  const owner = randomUUID();
  const waiters = new Map<string, Set<() => void>>();
  const wake = (id: string) => {
    for (const resolve of waiters.get(id) ?? []) resolve();
    waiters.delete(id);
  };
  fleet?.onMessage((message) => {
    if (message.type === 'released') wake(message.id);
  });
  return {
    leaseMs,
    acquire: async (id) => (await redis.set(`lease:${id}`, owner, 'PX', leaseMs, 'NX')) === 'OK',
    renew: async (id) => {
      await redis.eval(RENEW_SCRIPT, 1, `lease:${id}`, owner, leaseMs);
    },
    release: async (id) => {
      if ((await redis.eval(RELEASE_SCRIPT, 1, `lease:${id}`, owner)) !== 1) return;
      wake(id);
      fleet?.publish({ type: 'released', id });
    },
    isHeld: async (id) => (await redis.exists(`lease:${id}`)) === 1,
    released: (id, ms) => waitForRelease(waiters, id, ms),
  };
}

function waitForRelease(waiters: Map<string, Set<() => void>>, id: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      const forId = waiters.get(id);
      forId?.delete(done);
      if (forId?.size === 0) waiters.delete(id);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const forId = waiters.get(id) ?? new Set();
    waiters.set(id, forId.add(done));
  });
}
