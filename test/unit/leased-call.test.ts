import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createFetchLease, type FetchLease } from '../../src/loaders/coalescing/fetch-lease.js';
import { createLeasedCall } from '../../src/loaders/coalescing/leased-call.js';
import { createFleetChannel } from '../../src/redis/fleet-channel.js';
import { deadRedis } from '../helpers/dead-redis.js';
import { useRedisKeys } from '../helpers/redis.js';

const LEASE_MS = 300;

describe('leased call', () => {
  const keys = useRedisKeys();
  const sharedErrors = keys.errors;
  const redis = () => keys.client();

  /** One instance: its own connection and lease owner. */
  function instance(lease: FetchLease = createFetchLease(redis(), LEASE_MS), pollMs = 10) {
    const leased = createLeasedCall({
      lease,
      waitMs: 5_000,
      pollMs,
      monotonic: () => performance.now(),
      onSharedError: (error) => sharedErrors.push(error),
    });
    return { lease, leased };
  }

  /** An instance whose lease hears releases on the fleet channel, once it is subscribed. */
  async function subscribedInstance(pollMs: number) {
    const connection = redis();
    const fleet = createFleetChannel(connection, keys.prefix, keys.onError);
    onTestFinished(() => fleet.close());
    await new Promise<void>((resolve) => fleet.onSubscribed(resolve));
    return instance(createFetchLease(connection, LEASE_MS, fleet), pollMs);
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

  it('wakes a waiter on the holder’s release over pub/sub, long before it would look again', async () => {
    const [holder, waiter] = await Promise.all([subscribedInstance(10), subscribedInstance(60_000)]);
    let landed: string | undefined;
    const holding = holder.leased(
      'k',
      async () => landed,
      async () => {
        await sleep(200);
        landed = 'landed';
        return 'paid';
      },
    );
    await expect.poll(() => waiter.lease.isHeld('k')).toBe(true);
    const { pay, calls } = payer(async () => 'paid again');

    const result = await waiter.leased('k', async () => landed, pay);

    expect(await holding).toEqual({ answer: 'paid', coalesced: false });
    expect(result).toEqual({ answer: 'landed', coalesced: true });
    expect(calls()).toBe(0);
    expect(sharedErrors).toEqual([]);
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
