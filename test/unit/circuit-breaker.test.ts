import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { CreditBudgetError } from '../../src/loaders/budget/credit-budget-error.js';
import { failFastWhileOpen, judgedBy } from '../../src/upstream/resilience/breaker-stages.js';
import {
  type BreakerOrigin,
  type BreakerState,
  type BreakerTransition,
  CircuitBreaker,
} from '../../src/upstream/resilience/circuit-breaker.js';
import type { Call } from '../../src/upstream/resilience/guard.js';
import { UpstreamError, type UpstreamErrorCode } from '../../src/upstream/upstream-error.js';
import { createHandClock } from '../helpers/hand-clock.js';

const options = { failureThreshold: 3, cooldownMs: 10_000, quotaPauseMs: 60_000 };
const down = () => new UpstreamError('UPSTREAM_UNAVAILABLE', 'down', { status: 503, retryable: true });
const answered = (code: UpstreamErrorCode, status: number) => new UpstreamError(code, 'answered', { status });

function setup() {
  const clock = createHandClock();
  const transitions: Array<{ transition: BreakerTransition; state: BreakerState; origin: BreakerOrigin }> =
    [];
  const breaker = new CircuitBreaker(options, clock, (transition, state, origin) =>
    transitions.push({ transition, state, origin }),
  );
  const fail = (key: string, error: unknown = down()) => {
    breaker.admit(key);
    breaker.onFailure(key, error);
  };
  const succeed = (key: string) => {
    breaker.admit(key);
    breaker.onSuccess(key);
  };
  return { clock, breaker, transitions, fail, succeed };
}

/** The code `check` throws with, or undefined when the call may go out. */
function refusal(breaker: CircuitBreaker, key: string): string | undefined {
  try {
    breaker.check(key);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).sent).toBe(false);
    return (error as UpstreamError).code;
  }
}

function openUpstream(fail: (key: string) => void) {
  for (const key of ['a', 'b', 'c']) fail(key);
}

describe('circuit breaker: per-key circuits', () => {
  it('opens a key after failureThreshold consecutive unavailable failures, leaving other keys and the upstream closed', () => {
    const { breaker, fail } = setup();

    fail('a');
    fail('a');
    expect(refusal(breaker, 'a')).toBeUndefined();
    fail('a');

    expect(refusal(breaker, 'a')).toBe('UPSTREAM_UNAVAILABLE');
    expect(refusal(breaker, 'b')).toBeUndefined();
    expect(breaker.state()).toEqual({ state: 'closed' });
  });

  it('starts counting again after a success of the key', () => {
    const { breaker, fail, succeed } = setup();

    fail('a');
    fail('a');
    succeed('a');
    fail('a');
    fail('a');

    expect(refusal(breaker, 'a')).toBeUndefined();
  });

  it('fails fast until the cooldown ends, then lets exactly one probe through', () => {
    const { clock, breaker, fail } = setup();
    for (let i = 0; i < 3; i++) fail('a');

    clock.advance(options.cooldownMs - 1);
    expect(refusal(breaker, 'a')).toBe('UPSTREAM_UNAVAILABLE');
    clock.advance(1);
    expect(refusal(breaker, 'a')).toBeUndefined();
    expect(refusal(breaker, 'a')).toBeUndefined();

    breaker.admit('a');
    expect(refusal(breaker, 'a')).toBe('UPSTREAM_UNAVAILABLE');
    expect(() => breaker.admit('a')).toThrow(UpstreamError);
  });

  it('closes the key when its probe succeeds, forgetting its failures', () => {
    const { clock, breaker, fail, succeed } = setup();
    for (let i = 0; i < 3; i++) fail('a');
    clock.advance(options.cooldownMs);

    succeed('a');
    fail('a');
    fail('a');

    expect(refusal(breaker, 'a')).toBeUndefined();
  });

  it('reopens the key for another cooldown when its probe fails', () => {
    const { clock, breaker, fail } = setup();
    for (let i = 0; i < 3; i++) fail('a');
    clock.advance(options.cooldownMs);

    fail('a');

    expect(refusal(breaker, 'a')).toBe('UPSTREAM_UNAVAILABLE');
    clock.advance(options.cooldownMs - 1);
    expect(refusal(breaker, 'a')).toBe('UPSTREAM_UNAVAILABLE');
    clock.advance(1);
    expect(refusal(breaker, 'a')).toBeUndefined();
  });
});

describe('circuit breaker: the upstream-wide circuit', () => {
  it('opens for every key once failureThreshold distinct keys failed since the last success of any', () => {
    const { clock, breaker, fail } = setup();

    fail('a');
    fail('b');
    expect(breaker.state()).toEqual({ state: 'closed' });
    fail('c');

    expect(breaker.state()).toEqual({
      state: 'open',
      until: new Date(clock.now().getTime() + options.cooldownMs),
      reason: '3 distinct keys failed since the last success',
    });
    expect(refusal(breaker, 'never-seen')).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('forgets the failing keys when any key succeeds', () => {
    const { breaker, fail, succeed } = setup();

    fail('a');
    fail('b');
    succeed('x');
    fail('c');
    fail('d');

    expect(breaker.state()).toEqual({ state: 'closed' });
  });

  it('goes half-open after the cooldown and lets a single probe through for any key', () => {
    const { clock, breaker, fail } = setup();
    openUpstream(fail);
    clock.advance(options.cooldownMs);

    expect(breaker.state().state).toBe('half-open');
    expect(refusal(breaker, 'z')).toBeUndefined();
    breaker.admit('z');

    expect(refusal(breaker, 'y')).toBe('UPSTREAM_UNAVAILABLE');
    expect(() => breaker.admit('y')).toThrow(UpstreamError);
    expect(breaker.state().state).toBe('half-open');
  });

  it('closes when the half-open probe succeeds', () => {
    const { clock, breaker, fail, succeed } = setup();
    openUpstream(fail);
    clock.advance(options.cooldownMs);

    succeed('z');

    expect(breaker.state()).toEqual({ state: 'closed' });
    expect(refusal(breaker, 'y')).toBeUndefined();
  });

  it('re-opens for another cooldown when the half-open probe fails', () => {
    const { clock, breaker, fail } = setup();
    openUpstream(fail);
    clock.advance(options.cooldownMs);

    fail('z');

    expect(breaker.state()).toMatchObject({
      state: 'open',
      until: new Date(clock.now().getTime() + options.cooldownMs),
    });
    expect(refusal(breaker, 'y')).toBe('UPSTREAM_UNAVAILABLE');
  });

  const answers = [
    ['UPSTREAM_BAD_REQUEST', 400],
    ['UPSTREAM_FORBIDDEN', 403],
    ['UPSTREAM_RATE_LIMITED', 429],
    ['UPSTREAM_ERROR', 200],
  ] as const;

  it.each(answers)(
    'counts a %s (%i) as the upstream answering: failure counts start again',
    (code, status) => {
      const { breaker, fail } = setup();
      fail('a');
      fail('a');
      fail('b');

      fail('a', answered(code, status));
      fail('a');
      fail('c');

      expect(refusal(breaker, 'a')).toBeUndefined();
      expect(breaker.state()).toEqual({ state: 'closed' });
    },
  );

  it.each(answers)('closes the upstream circuit when the half-open probe meets a %s (%i)', (code, status) => {
    const { clock, breaker, fail } = setup();
    openUpstream(fail);
    clock.advance(options.cooldownMs);

    fail('z', answered(code, status));

    expect(breaker.state()).toEqual({ state: 'closed' });
  });
});

describe('circuit breaker: the 402 pause', () => {
  it('pauses every key with UPSTREAM_QUOTA_EXCEEDED until quotaPauseMs has passed', () => {
    const { clock, breaker, fail } = setup();

    fail('a', answered('UPSTREAM_QUOTA_EXCEEDED', 402));

    expect(breaker.state()).toEqual({
      state: 'paused',
      until: new Date(clock.now().getTime() + options.quotaPauseMs),
      reason: 'KeyAPI credits are exhausted (HTTP 402)',
    });
    expect(refusal(breaker, 'a')).toBe('UPSTREAM_QUOTA_EXCEEDED');
    expect(refusal(breaker, 'b')).toBe('UPSTREAM_QUOTA_EXCEEDED');
    clock.advance(options.quotaPauseMs - 1);
    expect(refusal(breaker, 'b')).toBe('UPSTREAM_QUOTA_EXCEEDED');
    clock.advance(1);
    expect(refusal(breaker, 'b')).toBeUndefined();
    expect(breaker.state()).toEqual({ state: 'closed' });
  });
});

describe('circuit breaker: abandon', () => {
  it("frees a key's probe so another call may probe", () => {
    const { clock, breaker, fail } = setup();
    for (let i = 0; i < 3; i++) fail('a');
    clock.advance(options.cooldownMs);
    breaker.admit('a');

    breaker.abandon('a');

    expect(refusal(breaker, 'a')).toBeUndefined();
    expect(() => breaker.admit('a')).not.toThrow();
    expect(refusal(breaker, 'a')).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('frees the half-open probe without judging the upstream', () => {
    const { clock, breaker, fail } = setup();
    openUpstream(fail);
    clock.advance(options.cooldownMs);
    breaker.admit('z');

    breaker.abandon('z');

    expect(breaker.state().state).toBe('half-open');
    expect(refusal(breaker, 'y')).toBeUndefined();
  });

  it('treats a failure that is not an UpstreamError (a budget refusal) as an abandoned call', () => {
    const { clock, breaker, fail } = setup();
    openUpstream(fail);
    clock.advance(options.cooldownMs);

    fail('z', new CreditBudgetError('client', 'spent'));

    expect(breaker.state().state).toBe('half-open');
    expect(refusal(breaker, 'y')).toBeUndefined();
  });
});

describe('circuit breaker: transitions', () => {
  it('reports opened, closed, paused and resumed once each', () => {
    const { clock, breaker, transitions, fail, succeed } = setup();

    openUpstream(fail);
    breaker.onFailure('d', down());
    clock.advance(options.cooldownMs);
    fail('z');
    clock.advance(options.cooldownMs);
    succeed('z');
    succeed('y');
    fail('a', answered('UPSTREAM_QUOTA_EXCEEDED', 402));
    breaker.onFailure('b', answered('UPSTREAM_QUOTA_EXCEEDED', 402));
    clock.advance(options.quotaPauseMs);
    breaker.state();
    breaker.state();

    expect(transitions.map(({ transition }) => transition)).toEqual([
      'opened',
      'closed',
      'paused',
      'resumed',
    ]);
    expect(transitions.map(({ state }) => state.state)).toEqual(['open', 'closed', 'paused', 'closed']);
  });

  it('reports nothing for a key whose own circuit opens while the upstream stays closed', () => {
    const { breaker, transitions, fail } = setup();

    for (let i = 0; i < 3; i++) fail('a');

    expect(refusal(breaker, 'a')).toBe('UPSTREAM_UNAVAILABLE');
    expect(transitions).toEqual([]);
  });
});

describe('circuit breaker: adopting what another instance saw', () => {
  it('pauses every key for the time the other instance has left, and says it came from the fleet', () => {
    const { clock, breaker, transitions } = setup();

    breaker.adopt({ transition: 'paused', ms: 5_000 });

    expect(refusal(breaker, 'a')).toBe('UPSTREAM_QUOTA_EXCEEDED');
    expect(transitions.map(({ transition, origin }) => [transition, origin])).toEqual([['paused', 'fleet']]);
    clock.advance(5_000);
    expect(refusal(breaker, 'a')).toBeUndefined();
  });

  it('fails fast while the other instance has its circuit open, then lets one probe of its own through', () => {
    const { clock, breaker } = setup();

    breaker.adopt({ transition: 'opened', ms: 10_000 });
    expect(breaker.state()).toMatchObject({
      state: 'open',
      reason: 'another instance found the upstream failing',
    });
    expect(refusal(breaker, 'a')).toBe('UPSTREAM_UNAVAILABLE');

    clock.advance(10_000);
    breaker.admit('a');
    expect(refusal(breaker, 'b')).toBe('UPSTREAM_UNAVAILABLE');
    breaker.onSuccess('a');
    expect(breaker.state()).toEqual({ state: 'closed' });
  });

  it('closes when another instance saw a success, telling its own listener it came from the fleet', () => {
    const { breaker, transitions, fail } = setup();
    openUpstream(fail);

    breaker.adopt({ transition: 'closed' });

    expect(breaker.state()).toEqual({ state: 'closed' });
    expect(refusal(breaker, 'd')).toBeUndefined();
    expect(transitions.map(({ transition, origin }) => [transition, origin])).toEqual([
      ['opened', 'here'],
      ['closed', 'fleet'],
    ]);
  });

  it("tells when a key's own circuit opens and closes, and holds one another instance opened", () => {
    const { clock, breaker, fail, succeed } = setup();
    const told: Array<[string, number]> = [];
    breaker.onKeyCircuit((key, openMs) => told.push([key, openMs]));

    for (let i = 0; i < 3; i++) fail('a');
    breaker.adoptKey('b', 4_000);

    expect(told).toEqual([['a', 10_000]]);
    expect(breaker.openKeys()).toBe(2);
    expect(refusal(breaker, 'b')).toBe('UPSTREAM_UNAVAILABLE');
    expect(refusal(breaker, 'c')).toBeUndefined();
    expect(breaker.state()).toEqual({ state: 'closed' });
    clock.advance(10_000);
    succeed('a');
    breaker.adoptKey('b', 0);
    expect(told).toEqual([
      ['a', 10_000],
      ['a', 0],
    ]);
    expect(breaker.openKeys()).toBe(0);
    expect(refusal(breaker, 'b')).toBeUndefined();
  });

  it('does not tell again what it already knows', () => {
    const { breaker, transitions, fail } = setup();
    openUpstream(fail);

    breaker.adopt({ transition: 'opened', ms: 10_000 });

    expect(transitions.map(({ transition }) => transition)).toEqual(['opened']);
  });
});

describe('circuit breaker stages', () => {
  const call = (scope: string): Call => ({ scope, hooks: {}, attempt: 1, send: async () => 'sent' });

  function recordingNext(outcome: () => Promise<unknown>) {
    const seen: string[] = [];
    const next = async (c: Call) => {
      seen.push(c.scope);
      return outcome();
    };
    return { seen, next };
  }

  function breakerWithOpenKey(clock: Clock) {
    const breaker = new CircuitBreaker(options, clock);
    for (let i = 0; i < 3; i++) {
      breaker.admit('a');
      breaker.onFailure('a', down());
    }
    return breaker;
  }

  it('failFastWhileOpen refuses an open key before the next stage, and claims no probe', async () => {
    const clock = createHandClock();
    const breaker = breakerWithOpenKey(clock);
    const { seen, next } = recordingNext(async () => 'ok');
    const stage = failFastWhileOpen(breaker)(next);

    await expect(async () => stage(call('a'))).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(await stage(call('b'))).toBe('ok');
    clock.advance(options.cooldownMs);
    expect(await stage(call('a'))).toBe('ok');
    expect(await stage(call('a'))).toBe('ok');

    expect(seen).toEqual(['b', 'a', 'a']);
  });

  it('judgedBy opens a key from what the next stage met, then refuses it without calling on', async () => {
    const clock = createHandClock();
    const breaker = new CircuitBreaker(options, clock);
    const failing = recordingNext(async () => {
      throw down();
    });
    const stage = judgedBy(breaker)(failing.next);

    for (let i = 0; i < 4; i++)
      await expect(stage(call('a'))).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });

    expect(failing.seen).toEqual(['a', 'a', 'a']);
  });

  it('judgedBy closes a key when its probe comes back', async () => {
    const clock = createHandClock();
    const breaker = breakerWithOpenKey(clock);
    clock.advance(options.cooldownMs);
    const { seen, next } = recordingNext(async () => 'ok');
    const stage = judgedBy(breaker)(next);

    const probe = stage(call('a'));
    expect(refusal(breaker, 'a')).toBe('UPSTREAM_UNAVAILABLE');
    expect(await probe).toBe('ok');

    expect(refusal(breaker, 'a')).toBeUndefined();
    expect(seen).toEqual(['a']);
  });
});
