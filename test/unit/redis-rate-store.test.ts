import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import {
  createMemoryRateStore,
  createRateLimiter,
  type RateStore,
} from '../../src/upstream/resilience/rate-limiter.js';
import { createRedisRateStore } from '../../src/upstream/resilience/redis-rate-store.js';
import { deadRedis } from '../helpers/dead-redis.js';
import { useRedisKeys } from '../helpers/redis.js';

const bucket = { qps: 1, burst: 2 };
const cooldown = { baseMs: 40, maxMs: 100 };

describe('redis rate store', () => {
  const keys = useRedisKeys();
  const { errors } = keys;

  /** One instance's store: its own connection to the shared Redis, its own memory fallback. */
  function instance(redis?: Redis): RateStore {
    const client = redis ?? keys.client();
    const fallback = createMemoryRateStore(bucket, cooldown, systemClock);
    return createRedisRateStore(client, bucket, cooldown, fallback, keys.onError);
  }

  /** Takes until the store stops answering 'cooling' (Redis's own clock ends the pause). */
  async function takeAfterCooling(store: RateStore) {
    for (;;) {
      const take = await store.take();
      if (take.kind !== 'cooling') return take;
      await sleep(take.ms);
    }
  }

  it('draws every instance from one bucket', async () => {
    const [a, b] = [instance(), instance()];

    expect(await a.take()).toEqual({ kind: 'go', probe: false });
    expect(await b.take()).toEqual({ kind: 'go', probe: false });
    const third = await a.take();

    expect(third.kind).toBe('wait');
    expect(third.kind === 'wait' && third.ms > 0 && third.ms <= 1_000).toBe(true);
    expect(errors).toEqual([]);
  });

  it("makes every instance honour one instance's cool-down", async () => {
    const [a, b] = [instance(), instance()];

    expect(await a.coolDown(80)).toBe(80);
    const take = await b.take();

    expect(take.kind).toBe('cooling');
    expect(take.kind === 'cooling' && take.ms > 0 && take.ms <= 80).toBe(true);
  });

  it('grows the pause with each 429 in a row, caps it at maxMs, and starts again after the cool-down ends', async () => {
    const [a, b] = [instance(), instance()];
    const afterPause = async (pause: number) => {
      await new Promise((resolve) => setTimeout(resolve, pause + 5));
      return pause;
    };

    const pauses = [
      await afterPause(await a.coolDown(undefined)),
      await afterPause(await b.coolDown(undefined)),
      await afterPause(await a.coolDown(undefined)),
    ];
    const together = [await b.coolDown(undefined), await a.coolDown(undefined)];
    await a.endCooldown();

    expect(pauses).toEqual([40, 80, 100]);
    // Two instances' 429s within one pause are one strike: the pause does not grow.
    expect(together[1]).toBeLessThanOrEqual(100);
    expect(await b.coolDown(undefined)).toBe(40);
  });

  it('lets one probe through the fleet after the pause, and everyone once it is answered', async () => {
    const [a, b] = [instance(), instance()];
    await a.coolDown(30);

    expect(await takeAfterCooling(b)).toEqual({ kind: 'go', probe: true });
    expect(await a.take()).toEqual({ kind: 'probing' });
    await b.endCooldown();

    expect(await a.take()).toEqual({ kind: 'go', probe: false });
  });

  it('lets another instance probe when the probe never reached KeyAPI', async () => {
    const [a, b] = [instance(), instance()];
    await a.coolDown(30);
    expect(await takeAfterCooling(b)).toEqual({ kind: 'go', probe: true });

    await b.releaseProbe();

    expect(await a.take()).toEqual({ kind: 'go', probe: true });
  });

  it('falls back to the memory store, reporting the error, when Redis fails', async () => {
    const store = instance(await deadRedis());

    expect(await store.take()).toEqual({ kind: 'go', probe: false });
    expect(await store.coolDown(1_000)).toBe(100);
    const take = await store.take();

    expect(take.kind).toBe('cooling');
    expect(errors).toHaveLength(3);
    expect(errors.every((error) => error instanceof Error)).toBe(true);
  });

  it("refuses on another instance's cool-down with UPSTREAM_RATE_LIMITED through the limiter", async () => {
    const [a, b] = [instance(), instance()];
    const limiterA = createRateLimiter(a, sleep, systemClock);
    const limiterB = createRateLimiter(b, sleep, systemClock);

    await limiterA.settle({ probe: false }, { kind: 'rate-limited', retryAfterMs: 100 });

    await expect(limiterB.acquire(1_000)).rejects.toMatchObject({
      code: 'UPSTREAM_RATE_LIMITED',
      retryAfterSeconds: 1,
      sent: false,
    });
  });

  it("resumes an instance refused during another instance's probe once that probe is answered", async () => {
    const [a, b] = [instance(), instance()];
    const limiterA = createRateLimiter(a, sleep, systemClock);
    const limiterB = createRateLimiter(b, sleep, systemClock);
    await limiterA.settle({ probe: false }, { kind: 'rate-limited', retryAfterMs: 30 });
    await sleep(40);
    const probe = await limiterA.acquire(0);
    expect(probe).toEqual({ probe: true });
    await expect(limiterB.acquire(0)).rejects.toMatchObject({ code: 'UPSTREAM_RATE_LIMITED' });

    await limiterA.settle(probe, { kind: 'answered' });

    expect(() => limiterB.check()).not.toThrow();
    expect(await limiterB.acquire(0)).toEqual({ probe: false });
  });
});
