import { describe, expect, it } from 'vitest';
import type { Call } from '../../src/upstream/resilience/guard.js';
import {
  type CooldownTransition,
  createMemoryRateStore,
  createRateLimiter,
  failFastWhileCooling,
  outcomeOf,
  PROBE_HOLD_MS,
  paced,
} from '../../src/upstream/resilience/rate-limiter.js';
import { UpstreamError } from '../../src/upstream/upstream-error.js';
import { createHandClock } from '../helpers/hand-clock.js';

const bucket = { qps: 10, burst: 2 };
const cooldown = { baseMs: 1_000, maxMs: 4_000 };
const noProbe = { probe: false };
const rateLimited = (retryAfterMs?: number) => ({ kind: 'rate-limited', retryAfterMs }) as const;

function setup() {
  const clock = createHandClock();
  const waits: number[] = [];
  // Sleeping moves the hand clock, so the bucket refills as it would have.
  const sleep = async (ms: number) => {
    waits.push(ms);
    clock.advance(ms);
  };
  const transitions: Array<[CooldownTransition, number]> = [];
  const store = createMemoryRateStore(bucket, cooldown, clock);
  const limiter = createRateLimiter(store, sleep, clock, (transition, ms) =>
    transitions.push([transition, ms]),
  );
  const pausedFor = () => limiter.coolingUntil() - clock.now().getTime();
  return { clock, waits, transitions, store, limiter, pausedFor };
}

const rateLimitedError = { code: 'UPSTREAM_RATE_LIMITED', sent: false };

function thrownBy(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('rate limiter: pacing', () => {
  it('lets a burst out at once, then paces the next call by sleeping the wait it computed', async () => {
    const { limiter, waits } = setup();

    expect(await limiter.acquire(1_000)).toEqual(noProbe);
    expect(await limiter.acquire(1_000)).toEqual(noProbe);
    expect(waits).toEqual([]);
    expect(await limiter.acquire(1_000)).toEqual(noProbe);

    expect(waits).toEqual([100]);
  });

  it('refuses with UPSTREAM_RATE_LIMITED when no token comes within waitMs, without sleeping', async () => {
    const { limiter, waits } = setup();
    await limiter.acquire(0);
    await limiter.acquire(0);

    await expect(limiter.acquire(99)).rejects.toMatchObject(rateLimitedError);

    expect(waits).toEqual([]);
  });
});

describe('rate limiter: the 429 cool-down', () => {
  it('pauses for Retry-After: check and acquire refuse with retryAfterSeconds until it ends', async () => {
    const { clock, limiter, pausedFor } = setup();

    await limiter.settle(noProbe, rateLimited(2_500));

    expect(pausedFor()).toBe(2_500);
    expect(thrownBy(() => limiter.check())).toMatchObject({ ...rateLimitedError, retryAfterSeconds: 3 });
    await expect(limiter.acquire(10_000)).rejects.toMatchObject({
      ...rateLimitedError,
      retryAfterSeconds: 3,
    });
    clock.advance(1_600);
    expect(thrownBy(() => limiter.check())).toMatchObject({ retryAfterSeconds: 1 });
    clock.advance(900);
    expect(thrownBy(() => limiter.check())).toBeUndefined();
  });

  it('doubles the pause with each 429 in a row when there is no Retry-After, up to maxMs', async () => {
    const { clock, limiter, pausedFor } = setup();
    const pauses: number[] = [];

    for (let i = 0; i < 4; i++) {
      await limiter.settle(noProbe, rateLimited());
      pauses.push(pausedFor());
      // The next 429 is the probe's, once this pause is over.
      clock.advance(pausedFor());
    }

    expect(pauses).toEqual([1_000, 2_000, 4_000, 4_000]);
  });

  it('counts 429s of calls that were out together as one strike', async () => {
    const { limiter, pausedFor } = setup();

    for (let i = 0; i < 5; i++) await limiter.settle(noProbe, rateLimited());

    expect(pausedFor()).toBe(1_000);
  });

  it('caps a Retry-After at maxMs', async () => {
    const { limiter, pausedFor } = setup();

    await limiter.settle(noProbe, rateLimited(60_000));

    expect(pausedFor()).toBe(4_000);
  });

  it('lets one probe out after the pause and refuses the others while it is out, without pausing for it', async () => {
    const { clock, limiter, pausedFor } = setup();
    await limiter.settle(noProbe, rateLimited(1_000));
    clock.advance(1_000);

    expect(await limiter.acquire(0)).toEqual({ probe: true });
    await expect(limiter.acquire(10_000)).rejects.toMatchObject({
      ...rateLimitedError,
      retryAfterSeconds: 1,
    });

    expect(pausedFor()).toBeLessThanOrEqual(0);
    expect(thrownBy(() => limiter.check())).toBeUndefined();
  });

  it('lets calls flow once the probe is answered, and forgets the strikes', async () => {
    const { clock, limiter, pausedFor } = setup();
    await limiter.settle(noProbe, rateLimited());
    clock.advance(1_000);
    const probe = await limiter.acquire(0);

    await limiter.settle(probe, { kind: 'answered' });

    expect(limiter.coolingUntil()).toBe(0);
    expect(thrownBy(() => limiter.check())).toBeUndefined();
    expect(await limiter.acquire(0)).toEqual(noProbe);
    await limiter.settle(noProbe, rateLimited());
    expect(pausedFor()).toBe(1_000);
  });

  it('lets another call probe when the probe never reached KeyAPI', async () => {
    const { clock, limiter } = setup();
    await limiter.settle(noProbe, rateLimited(1_000));
    clock.advance(1_000);
    const probe = await limiter.acquire(0);

    await limiter.settle(probe, { kind: 'unsent' });

    expect(await limiter.acquire(0)).toEqual({ probe: true });
  });

  it('lets another call probe after an unsent probe even if a call was refused while it was out', async () => {
    const { clock, limiter } = setup();
    await limiter.settle(noProbe, rateLimited(1_000));
    clock.advance(1_000);
    const probe = await limiter.acquire(0);
    await expect(limiter.acquire(0)).rejects.toMatchObject(rateLimitedError);

    await limiter.settle(probe, { kind: 'unsent' });

    expect(thrownBy(() => limiter.check())).toBeUndefined();
    expect(await limiter.acquire(0)).toEqual({ probe: true });
  });

  it('pauses again, for twice as long, when the probe meets another 429', async () => {
    const { clock, limiter, pausedFor } = setup();
    await limiter.settle(noProbe, rateLimited());
    clock.advance(1_000);
    const probe = await limiter.acquire(0);

    await limiter.settle(probe, rateLimited());

    expect(pausedFor()).toBe(2_000);
    await expect(limiter.acquire(0)).rejects.toMatchObject(rateLimitedError);
  });

  it('does not end the pause when a call that was not the probe is answered', async () => {
    const { clock, limiter, pausedFor } = setup();
    await limiter.settle(noProbe, rateLimited(1_000));

    await limiter.settle(noProbe, { kind: 'answered' });

    expect(pausedFor()).toBe(1_000);
    clock.advance(1_000);
    expect(await limiter.acquire(0)).toEqual({ probe: true });
  });

  it("reports 'started' and 'ended' once each per cool-down", async () => {
    const { clock, limiter, transitions } = setup();

    await limiter.settle(noProbe, rateLimited(1_000));
    await limiter.settle(noProbe, rateLimited(1_000));
    await expect(limiter.acquire(0)).rejects.toThrow(UpstreamError);
    clock.advance(2_000);
    const probe = await limiter.acquire(0);
    await limiter.settle(probe, { kind: 'answered' });
    await limiter.acquire(0);
    await limiter.settle(noProbe, { kind: 'answered' });

    expect(transitions).toEqual([
      ['started', 1_000],
      ['ended', 0],
    ]);
  });

  it('holds the probe for PROBE_HOLD_MS at most, then lets another call probe', async () => {
    const { clock, store } = setup();
    await store.coolDown(1_000);
    clock.advance(1_000);
    expect(await store.take()).toEqual({ kind: 'go', probe: true });

    expect(await store.take()).toEqual({ kind: 'probing' });
    clock.advance(PROBE_HOLD_MS - 1);
    expect(await store.take()).toEqual({ kind: 'probing' });
    clock.advance(1);
    expect(await store.take()).toEqual({ kind: 'go', probe: true });
  });
});

describe('outcomeOf', () => {
  it.each([
    ['an error that is not an UpstreamError', new Error('boom'), { kind: 'unsent' }],
    [
      'an UpstreamError that was never sent',
      new UpstreamError('UPSTREAM_UNAVAILABLE', 'refused', { sent: false }),
      { kind: 'unsent' },
    ],
    ['a 503', new UpstreamError('UPSTREAM_UNAVAILABLE', 'down', { status: 503 }), { kind: 'answered' }],
    ['a 400', new UpstreamError('UPSTREAM_BAD_REQUEST', 'bad', { status: 400 }), { kind: 'answered' }],
    [
      'a 429 with Retry-After',
      new UpstreamError('UPSTREAM_RATE_LIMITED', 'slow', { status: 429, retryAfterSeconds: 3 }),
      { kind: 'rate-limited', retryAfterMs: 3_000 },
    ],
    [
      'a 429 without Retry-After',
      new UpstreamError('UPSTREAM_RATE_LIMITED', 'slow', { status: 429 }),
      { kind: 'rate-limited', retryAfterMs: undefined },
    ],
  ])('reads %s', (_, error, outcome) => {
    expect(outcomeOf(error)).toEqual(outcome);
  });
});

describe('pacing stages', () => {
  const call: Call = { scope: 'k', hooks: {}, attempt: 1, send: async () => 'sent' };

  it('paced starts a cool-down from a 429 the next stage met, and refuses without calling on during it', async () => {
    const { limiter, pausedFor } = setup();
    let calls = 0;
    const stage = paced(
      limiter,
      0,
    )(async () => {
      calls += 1;
      throw new UpstreamError('UPSTREAM_RATE_LIMITED', 'slow', { status: 429, retryAfterSeconds: 2 });
    });

    await expect(stage(call)).rejects.toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', sent: true });
    await expect(stage(call)).rejects.toMatchObject(rateLimitedError);

    expect(calls).toBe(1);
    expect(pausedFor()).toBe(2_000);
  });

  it('paced ends the cool-down when its probe comes back', async () => {
    const { clock, limiter, transitions } = setup();
    await limiter.settle(noProbe, rateLimited(1_000));
    clock.advance(1_000);

    expect(await paced(limiter, 0)(async () => 'answer')(call)).toBe('answer');

    expect(limiter.coolingUntil()).toBe(0);
    expect(transitions.map(([transition]) => transition)).toEqual(['started', 'ended']);
  });

  it('paced frees the probe when the next stage never reached KeyAPI', async () => {
    const { clock, limiter } = setup();
    await limiter.settle(noProbe, rateLimited(1_000));
    clock.advance(1_000);
    const unsent = paced(
      limiter,
      0,
    )(async () => {
      throw new UpstreamError('UPSTREAM_UNAVAILABLE', 'refused', { sent: false });
    });

    await expect(unsent(call)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });

    expect(await limiter.acquire(0)).toEqual({ probe: true });
  });

  it('failFastWhileCooling refuses before the next stage while this instance knows of a pause', async () => {
    const { clock, limiter } = setup();
    let calls = 0;
    const stage = failFastWhileCooling(limiter)(async () => {
      calls += 1;
      return 'ok';
    });
    await limiter.settle(noProbe, rateLimited(1_000));

    await expect(async () => stage(call)).rejects.toMatchObject({
      ...rateLimitedError,
      retryAfterSeconds: 1,
    });
    clock.advance(1_000);
    expect(await stage(call)).toBe('ok');

    expect(calls).toBe(1);
  });
});
