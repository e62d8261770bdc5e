import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createFetchLease, type FetchLease } from '../../src/loaders/coalescing/fetch-lease.js';
import { createLeasedCall } from '../../src/loaders/coalescing/leased-call.js';
import { deadRedis } from '../helpers/dead-redis.js';
import { useRedisKeys } from '../helpers/redis.js';

const LEASE_MS = 300;

describe('leased call', () => {
  const keys = useRedisKeys();
  const sharedErrors = keys.errors;
  const redis = () => keys.client();

  /** One instance: its own connection and lease owner. */
  function instance(lease: FetchLease = createFetchLease(redis(), LEASE_MS)) {
    const leased = createLeasedCall({
      lease,
      waitMs: 5_000,
      pollMs: 10,
      monotonic: () => performance.now(),
      sleep: (ms) => sleep(ms),
      onSharedError: (error) => sharedErrors.push(error),
    });
    return { lease, leased };
  }

  /** A `pay` that counts its calls. */
  function payer(pay: () => Promise<string>) {
    let calls = 0;
    return {
      calls: () => calls,
      pay: () => {
        calls += 1;
        return pay();
      },
    };
  }

  const nothingLanded = async () => undefined;

  it('has the winner pay, renewing its lease while the call outlasts it, then release it', async () => {
    const { leased } = instance();
    const observer = redis();
    const ttls: number[] = [];
    const { pay, calls } = payer(async () => {
      for (let i = 0; i < 4; i++) {
        await sleep(LEASE_MS);
        ttls.push(await observer.pttl('lease:k'));
      }
      return 'paid';
    });

    const result = await leased('k', nothingLanded, pay);

    expect(result).toEqual({ answer: 'paid', coalesced: false });
    expect(calls()).toBe(1);
    expect(ttls).toHaveLength(4);
    expect(ttls.every((ttl) => ttl > 0 && ttl <= LEASE_MS)).toBe(true);
    expect(await observer.exists('lease:k')).toBe(0);
    expect(sharedErrors).toEqual([]);
  });

  it('has the winner serve an answer that landed before it paid, as coalesced', async () => {
    const { leased } = instance();
    const { pay, calls } = payer(async () => 'paid');

    expect(await leased('k', async () => 'landed', pay)).toEqual({ answer: 'landed', coalesced: true });
    expect(calls()).toBe(0);
  });

  it('has a waiter take what the holder landed, without paying', async () => {
    const holder = instance();
    const waiter = instance();
    expect(await holder.lease.acquire('k')).toBe(true);
    let looks = 0;
    const landed = async () => (++looks >= 3 ? 'landed' : undefined);
    const { pay, calls } = payer(async () => 'paid');

    const result = await waiter.leased('k', landed, pay);

    expect(result).toEqual({ answer: 'landed', coalesced: true });
    expect(calls()).toBe(0);
    expect(looks).toBe(3);
  });

  it('has a waiter take the lease over and pay once the holder’s lease is gone', async () => {
    const holder = instance();
    const waiter = instance();
    expect(await holder.lease.acquire('k')).toBe(true);
    let heldWhilePaying: boolean | undefined;
    let holderCouldAcquire: boolean | undefined;
    const { pay, calls } = payer(async () => {
      heldWhilePaying = await waiter.lease.isHeld('k');
      holderCouldAcquire = await holder.lease.acquire('k');
      return 'paid';
    });

    const result = await waiter.leased('k', nothingLanded, pay);

    expect(result).toEqual({ answer: 'paid', coalesced: false });
    expect(calls()).toBe(1);
    expect(heldWhilePaying).toBe(true);
    expect(holderCouldAcquire).toBe(false);
  });

  it('pays alone and reports the error when Redis cannot grant the lease', async () => {
    const dead = await deadRedis();
    onTestFinished(() => dead.disconnect());
    const { leased } = instance(createFetchLease(dead, LEASE_MS));
    const { pay, calls } = payer(async () => 'paid');

    const result = await leased('k', nothingLanded, pay);

    expect(result).toEqual({ answer: 'paid', coalesced: false });
    expect(calls()).toBe(1);
    expect(sharedErrors).toHaveLength(1);
    expect(sharedErrors[0]).toBeInstanceOf(Error);
  });
});
