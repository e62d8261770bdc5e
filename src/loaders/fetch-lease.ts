import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Cross-instance coalescing: before paying for a key, an instance takes its lease in Redis.
 * Others see the lease and wait for the answer to land in the shared cache. The lease expires
 * on its own, so an instance that dies mid-call holds nobody up for long.
 */
export interface FetchLease {
  /** True if this instance now holds the lease for `id`; throws if Redis cannot say. */
  acquire(id: string): Promise<boolean>;
  release(id: string): Promise<void>;
  isHeld(id: string): Promise<boolean>;
}

// Delete only our own lease: after an expiry another instance may hold it.
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export function createFetchLease(redis: Redis, leaseMs: number): FetchLease {
  const owner = randomUUID();
  return {
    acquire: async (id) => (await redis.set(`lease:${id}`, owner, 'PX', leaseMs, 'NX')) === 'OK',
    release: async (id) => {
      await redis.eval(RELEASE_SCRIPT, 1, `lease:${id}`, owner);
    },
    isHeld: async (id) => (await redis.exists(`lease:${id}`)) === 1,
  };
}
