import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createCreditLedger } from '../../src/loaders/budget/credit-ledger.js';
import { createRedisBooks } from '../../src/loaders/budget/redis-books.js';
import { createHandClock } from '../helpers/hand-clock.js';
import { deleteKeys, SHARED_REDIS_URL, startPrivateRedis, useRedisKeys } from '../helpers/redis.js';

const caps = { perClient: 6, global: 10 };
const DAY_MS = 86_400_000;
const dayOf = (date: Date) => date.toISOString().slice(0, 10);

describe('credit ledger in memory', () => {
  it('books up to the per-client cap and refuses past it', async () => {
    const ledger = createCreditLedger(caps, createHandClock());

    const bookings = [
      await ledger.reserve('a', 2),
      await ledger.reserve('a', 4),
      await ledger.reserve('a', 2),
    ];

    expect(bookings).toEqual([undefined, undefined, 'client']);
    expect(await ledger.remaining('a')).toEqual({ client: 0, global: 4 });
    expect(await ledger.remaining('b')).toEqual({ client: 6, global: 4 });
  });

  it('refuses past the global cap, whichever client asks', async () => {
    const ledger = createCreditLedger(caps, createHandClock());
    await ledger.reserve('a', 6);
    await ledger.reserve('b', 4);

    expect(await ledger.reserve('c', 2)).toBe('global');
    expect(await ledger.remaining('c')).toEqual({ client: 6, global: 0 });
  });

  it('hands refunded credits back to the client and the day', async () => {
    const ledger = createCreditLedger(caps, createHandClock());
    await ledger.reserve('a', 6);

    await ledger.refund('a', 2);

    expect(await ledger.remaining('a')).toEqual({ client: 2, global: 6 });
    expect(await ledger.reserve('a', 2)).toBeUndefined();
  });

  it('starts the books afresh on a new UTC day', async () => {
    const clock = createHandClock(new Date('2025-06-15T23:59:00.000Z'));
    const ledger = createCreditLedger(caps, clock);
    await ledger.reserve('a', 6);
    expect(await ledger.reserve('a', 2)).toBe('client');

    clock.advance(60_000);

    expect(await ledger.reserve('a', 2)).toBeUndefined();
    expect(await ledger.remaining('a')).toEqual({ client: 4, global: 8 });
  });
});

describe('credit ledger with Redis books', () => {
  const keys = useRedisKeys();
  const { errors } = keys;

  /** Connected before use: with no offline queue, a command sent while connecting would fail. */
  async function redis(url = SHARED_REDIS_URL): Promise<Redis> {
    const options = {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    };
    const client = keys.client(options, url);
    await client.connect();
    return client;
  }

  /** One gateway instance's ledger, on its own connection, under its own instance ID. */
  async function ledger(
    instanceId: string,
    clock = createHandClock(),
    dailyCaps = caps,
    url = SHARED_REDIS_URL,
  ) {
    const client = await redis(url);
    return {
      client,
      ledger: createCreditLedger(dailyCaps, clock, createRedisBooks(client, instanceId), (error) =>
        errors.push(error),
      ),
    };
  }

  it('shares the per-client and global caps between two instances', async () => {
    const a = await ledger('A');
    const b = await ledger('B');

    expect(await a.ledger.reserve('x', 4)).toBeUndefined();
    expect(await b.ledger.reserve('x', 2)).toBeUndefined();
    expect(await a.ledger.reserve('x', 2)).toBe('client');
    expect(await b.ledger.reserve('y', 4)).toBeUndefined();
    expect(await a.ledger.reserve('z', 2)).toBe('global');

    expect(await a.ledger.remaining('x')).toEqual({ client: 0, global: 0 });
    expect(errors).toEqual([]);
  });

  it('shares a refund with the other instance', async () => {
    const a = await ledger('A');
    const b = await ledger('B');
    await a.ledger.reserve('x', 6);

    await a.ledger.refund('x', 2);

    expect(await b.ledger.remaining('x')).toEqual({ client: 2, global: 6 });
  });

  it('keeps each UTC day in its own books', async () => {
    const clock = createHandClock();
    const a = await ledger('A', clock);
    const today = dayOf(clock.now());
    await a.ledger.reserve('x', 6);

    clock.advance(DAY_MS);

    expect(await a.ledger.reserve('x', 6)).toBeUndefined();
    expect(await a.client.hget(`credits:{${today}}:client:x`, 'A')).toBe('6');
    expect(await a.client.hget(`credits:{${dayOf(clock.now())}}:client:x`, 'A')).toBe('6');
  });

  it('re-asserts what it booked when Redis lost its books, plus the new credits', async () => {
    const clock = createHandClock();
    const a = await ledger('A', clock, { perClient: 20, global: 30 });
    for (let i = 0; i < 5; i++) await a.ledger.reserve('x', 2);
    await deleteKeys(SHARED_REDIS_URL, keys.prefix);

    expect(await a.ledger.reserve('x', 2)).toBeUndefined();

    const day = dayOf(clock.now());
    expect(await a.client.hgetall(`credits:{${day}}:client:x`)).toEqual({ A: '12' });
    expect(await a.client.hgetall(`credits:{${day}}:global`)).toEqual({ A: '12' });
    expect(await (await ledger('B', clock, { perClient: 20, global: 30 })).ledger.remaining('x')).toEqual({
      client: 8,
      global: 18,
    });
  });

  it('refuses past the caps from what it last knew while Redis is down', async () => {
    const server = await startPrivateRedis();
    try {
      const a = await ledger('A', createHandClock(), caps, server.url);
      const b = await ledger('B', createHandClock(), caps, server.url);
      await b.ledger.reserve('x', 4);
      await a.ledger.reserve('x', 2);

      await server.stop();

      expect(await a.ledger.reserve('x', 2)).toBe('client');
      expect(await a.ledger.reserve('y', 2)).toBeUndefined();
      expect(await a.ledger.reserve('y', 2)).toBeUndefined();
      expect(await a.ledger.reserve('z', 2)).toBe('global');
      expect(await a.ledger.remaining('y')).toEqual({ client: 2, global: 0 });
      expect(errors).toHaveLength(5);
    } finally {
      await server.stop();
    }
  });
});
