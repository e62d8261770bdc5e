import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { CreditBudgetError } from '../../src/loaders/budget/credit-budget-error.js';
import { createCreditLedger } from '../../src/loaders/budget/credit-ledger.js';
import { operationBudget } from '../../src/loaders/budget/operation-budget.js';
import { RequestCost } from '../../src/loaders/budget/request-cost.js';
import type { CachePolicy } from '../../src/loaders/cache/freshness.js';
import { createMemoryCache } from '../../src/loaders/cache/memory-cache.js';
import { createTieredCache } from '../../src/loaders/cache/tiered-cache.js';
import { createCachedFetcher } from '../../src/loaders/cached-fetcher.js';
import type { Source } from '../../src/loaders/source.js';
import type { KeyApi, KeyApiEndpoint } from '../../src/upstream/keyapi-client.js';
import type { AttemptHooks } from '../../src/upstream/resilience/guard.js';
import { UpstreamError } from '../../src/upstream/upstream-error.js';
import { deferred } from '../helpers/deferred.js';
import { createHandClock } from '../helpers/hand-clock.js';

/** Polls briefly until the assertion holds: for work that settles a few ticks later. */
const until = <T>(assertion: () => T | Promise<T>) => vi.waitFor(assertion, { interval: 1 });

const policy: CachePolicy = {
  ttlMs: { '1': 60_000, '7': 60_000, '30': 60_000, month: 60_000 },
  staleGraceMs: 600_000,
  negativeTtlMs: 10_000,
};

interface Params {
  id: string;
}
const endpoint: KeyApiEndpoint<Params, string> = {
  path: 'v1/things',
  query: (params) => ({ id: params.id }),
  data: z.string(),
};
const thingSource: Source<string, Params, string> = {
  name: 'thing',
  keyOf: (args) => String(args.id),
  keyId: (key) => key,
  freshForMs: (_, cachePolicy) => cachePolicy.ttlMs['1'],
  endpoint,
  params: (key) => ({ id: key }),
};

type Reply = (params: Params) => Promise<string>;

/**
 * KeyAPI as the fetcher sees it: books each call through the hooks, as the guarded client does,
 * then answers with whatever `reply` says. The fake is the boundary, not the module under test.
 */
function fakeKeyApi() {
  const calls: Array<{ params: Params; scope: string }> = [];
  let reply: Reply = async (params) => `thing ${params.id}`;
  let gate: Promise<void> | undefined;
  const keyapi: KeyApi = {
    async call<P, T>(_: KeyApiEndpoint<P, T>, params: P, options: { scope: string; hooks?: AttemptHooks }) {
      await gate;
      await options.hooks?.beforeAttempt?.();
      calls.push({ params: params as Params, scope: options.scope });
      return (await reply(params as Params)) as T;
    },
  };
  return {
    keyapi,
    calls,
    answer(next: Reply) {
      reply = next;
    },
    failWith(error: unknown) {
      reply = async () => Promise.reject(error);
    },
    /** Holds every call until the returned function is called. */
    hold() {
      const open = deferred();
      gate = open.promise;
      return open.resolve;
    },
  };
}

function setup(maxCallsPerOperation = 10, staleWhileRevalidate = false) {
  const clock = createHandClock();
  const upstream = fakeKeyApi();
  const lookups: string[] = [];
  const refreshes: string[] = [];
  let coalesced = 0;
  const fetcher = createCachedFetcher(thingSource, {
    keyapi: upstream.keyapi,
    cache: createTieredCache(
      createMemoryCache({ maxEntries: 100, maxBytes: 1_000_000 }),
      undefined,
      () => {},
    ),
    budget: operationBudget(
      createCreditLedger({ perClient: 1_000, global: 1_000 }, clock),
      maxCallsPerOperation,
    ),
    policy,
    clock,
    staleWhileRevalidate,
    observe: {
      lookup: (result) => lookups.push(result),
      coalesced: () => {
        coalesced += 1;
      },
      refresh: (trigger, outcome, credits) => refreshes.push(`${trigger}:${outcome}:${credits}`),
    },
  });
  const cost = () => new RequestCost('client-a', 'request-1');
  return { clock, upstream, lookups, refreshes, fetcher, cost, coalescedCount: () => coalesced };
}

const unavailable = () => new UpstreamError('UPSTREAM_UNAVAILABLE', 'KeyAPI is unavailable', { status: 503 });
const badRequest = () =>
  new UpstreamError('UPSTREAM_BAD_REQUEST', 'KeyAPI rejected the request', { status: 400 });

describe('cached fetcher', () => {
  it('pays once for a key, then serves it from the cache', async () => {
    const { clock, upstream, lookups, fetcher, cost } = setup();
    const [first, second] = [cost(), cost()];

    const paid = await fetcher.fetch('1', first);
    const cached = await fetcher.fetch('1', second);

    expect(paid).toEqual({ value: 'thing 1', fetchedAt: clock.now() });
    expect(cached).toEqual(paid);
    expect(upstream.calls).toEqual([{ params: { id: '1' }, scope: 'thing:1' }]);
    expect(lookups).toEqual(['miss', 'hit']);
    expect(first.summary()).toMatchObject({ upstreamCalls: 1, cacheHits: 0 });
    expect(second.summary()).toMatchObject({ upstreamCalls: 0, cacheHits: 1 });
    expect(second.freshUntil).toBe(clock.now().getTime() + policy.ttlMs['1']);
  });

  it('pays again once the answer is no longer fresh', async () => {
    const { clock, upstream, lookups, fetcher, cost } = setup();
    await fetcher.fetch('1', cost());
    clock.advance(policy.ttlMs['1']);
    upstream.answer(async () => 'newer');

    expect((await fetcher.fetch('1', cost())).value).toBe('newer');
    expect(upstream.calls).toHaveLength(2);
    expect(lookups).toEqual(['miss', 'miss']);
  });

  it('makes one call for two concurrent fetches of one key', async () => {
    const { upstream, fetcher, cost, coalescedCount } = setup();
    const release = upstream.hold();
    const [leader, follower] = [cost(), cost()];

    const both = Promise.all([fetcher.fetch('1', leader), fetcher.fetch('1', follower)]);
    await until(() => expect(follower.coalesced).toBe(1));
    release();

    expect((await both).map((fetched) => fetched.value)).toEqual(['thing 1', 'thing 1']);
    expect(upstream.calls).toHaveLength(1);
    expect(leader.summary()).toMatchObject({ upstreamCalls: 1, coalesced: 0 });
    expect(follower.summary()).toMatchObject({ upstreamCalls: 0, coalesced: 1 });
    expect(coalescedCount()).toBe(1);
  });

  it('remembers a refusal, so the next fetch fails the same way without a call', async () => {
    const { upstream, fetcher, cost } = setup();
    upstream.failWith(badRequest());
    const second = cost();

    await expect(fetcher.fetch('1', cost())).rejects.toMatchObject({
      code: 'UPSTREAM_BAD_REQUEST',
      status: 400,
    });
    await expect(fetcher.fetch('1', second)).rejects.toMatchObject({
      code: 'UPSTREAM_BAD_REQUEST',
      status: 400,
    });

    expect(upstream.calls).toHaveLength(1);
    expect(second.cacheHits).toBe(1);
  });

  it('serves the last good answer within its grace when KeyAPI fails, noting it in cost.stale', async () => {
    const { clock, upstream, lookups, fetcher, cost } = setup();
    const good = await fetcher.fetch('1', cost());
    clock.advance(policy.ttlMs['1'] + 1);
    upstream.failWith(unavailable());
    const later = cost();

    const served = await fetcher.fetch('1', later);

    expect(served).toEqual(good);
    expect(later.stale).toEqual([
      { id: '1', fetchedAt: good.fetchedAt.toISOString(), ageSeconds: 60, reason: 'UPSTREAM_UNAVAILABLE' },
    ]);
    expect(later.servedFresh).toBe(0);
    expect(lookups).toEqual(['miss', 'miss', 'stale']);
  });

  it('serves the last good answer when this operation’s budget refuses the call', async () => {
    const { clock, fetcher, cost } = setup(1);
    const good = await fetcher.fetch('1', cost());
    clock.advance(policy.ttlMs['1'] + 1);
    const spent = cost();
    spent.upstreamCalls = 1;

    expect(await fetcher.fetch('1', spent)).toEqual(good);
    expect(spent.stale).toEqual([
      { id: '1', fetchedAt: good.fetchedAt.toISOString(), ageSeconds: 60, reason: 'CREDIT_BUDGET_EXCEEDED' },
    ]);
  });

  it('fails with the error once the last good answer is past its grace', async () => {
    const { clock, upstream, fetcher, cost } = setup();
    await fetcher.fetch('1', cost());
    clock.advance(policy.ttlMs['1'] + policy.staleGraceMs);
    upstream.failWith(unavailable());

    await expect(fetcher.fetch('1', cost())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });

  it('caches a refusal carrying the last good answer, which a later outage still serves', async () => {
    const { clock, upstream, fetcher, cost } = setup();
    const good = await fetcher.fetch('1', cost());
    clock.advance(policy.ttlMs['1']);
    upstream.failWith(badRequest());
    await expect(fetcher.fetch('1', cost())).rejects.toMatchObject({ code: 'UPSTREAM_BAD_REQUEST' });
    clock.advance(policy.negativeTtlMs);
    upstream.failWith(unavailable());
    const later = cost();

    expect(await fetcher.fetch('1', later)).toEqual(good);
    expect(later.stale).toHaveLength(1);
    expect(upstream.calls).toHaveLength(3);
  });

  it('has a follower whose leader hit its budget ask again on its own account', async () => {
    const { upstream, fetcher, cost } = setup(1);
    const release = upstream.hold();
    const [leader, follower] = [cost(), cost()];
    leader.upstreamCalls = 1;

    const both = Promise.allSettled([fetcher.fetch('1', leader), fetcher.fetch('1', follower)]);
    await until(() => expect(follower.coalesced).toBe(1));
    release();
    const [leaderOutcome, followerOutcome] = await both;

    expect(leaderOutcome.status).toBe('rejected');
    expect(leaderOutcome.status === 'rejected' && leaderOutcome.reason).toBeInstanceOf(CreditBudgetError);
    expect(followerOutcome).toEqual({
      status: 'fulfilled',
      value: expect.objectContaining({ value: 'thing 1' }),
    });
    expect(upstream.calls).toHaveLength(1);
    expect(follower.summary()).toMatchObject({ upstreamCalls: 1, coalesced: 0 });
  });

  it('has a follower whose leader fell back to a stale answer on its budget ask again on its own account', async () => {
    const { clock, upstream, fetcher, cost } = setup(1);
    await fetcher.fetch('1', cost());
    clock.advance(policy.ttlMs['1'] + 1);
    upstream.answer(async () => 'newer');
    const release = upstream.hold();
    const [leader, follower] = [cost(), cost()];
    leader.upstreamCalls = 1;

    const both = Promise.all([fetcher.fetch('1', leader), fetcher.fetch('1', follower)]);
    await until(() => expect(follower.coalesced).toBe(1));
    release();
    const [forLeader, forFollower] = await both;

    expect(forLeader.value).toBe('thing 1');
    expect(leader.stale).toHaveLength(1);
    expect(forFollower.value).toBe('newer');
    expect(follower.stale).toEqual([]);
    expect(follower.upstreamCalls).toBe(1);
  });

  it('says whether a key needs an upstream call: a miss does, a fresh answer or a call under way does not', async () => {
    const { clock, upstream, fetcher, cost } = setup();

    expect(await fetcher.needsUpstream('1')).toBe(true);
    const release = upstream.hold();
    const pending = fetcher.fetch('1', cost());
    await until(async () => expect(await fetcher.needsUpstream('1')).toBe(false));
    release();
    await pending;
    expect(await fetcher.needsUpstream('1')).toBe(false);
    clock.advance(policy.ttlMs['1']);
    expect(await fetcher.needsUpstream('1')).toBe(true);
  });
});

describe('cached fetcher, stale-while-revalidate', () => {
  it('answers 20 concurrent requests for an expired key at once, stale, with one refresh behind them', async () => {
    const { clock, upstream, fetcher, cost, refreshes } = setup(10, true);
    await fetcher.fetch('a', cost());
    clock.advance(61_000);
    upstream.answer(async () => 'thing a, refreshed');
    const release = upstream.hold();

    const costs = Array.from({ length: 20 }, cost);
    const answers = await Promise.all(costs.map((each) => fetcher.fetch('a', each)));

    expect(answers.map((answer) => answer.value)).toEqual(Array(20).fill('thing a'));
    expect(costs.every((each) => each.upstreamCalls === 0 && each.stale[0]?.reason === 'REFRESHING')).toBe(
      true,
    );
    expect(costs[0]?.stale[0]?.ageSeconds).toBe(61);
    release();
    await until(() => expect(refreshes).toEqual(['stale:ok:2']));
    expect(upstream.calls).toHaveLength(2);
    expect((await fetcher.fetch('a', cost())).value).toBe('thing a, refreshed');
  });

  it('keeps the old copy when the refresh fails, and says so', async () => {
    const { clock, upstream, fetcher, cost, refreshes } = setup(10, true);
    await fetcher.fetch('a', cost());
    clock.advance(61_000);
    upstream.failWith(new UpstreamError('UPSTREAM_UNAVAILABLE', 'KeyAPI is unavailable', { status: 503 }));

    const first = await fetcher.fetch('a', cost());
    await until(() => expect(refreshes).toEqual(['stale:failed:2']));
    const second = cost();
    const again = await fetcher.fetch('a', second);

    expect([first.value, again.value]).toEqual(['thing a', 'thing a']);
    expect(second.stale[0]?.reason).toBe('REFRESHING');
  });

  it('does not ask for a call in the pre-check when a stale copy will be served', async () => {
    const { clock, fetcher, cost } = setup(10, true);
    await fetcher.fetch('a', cost());
    clock.advance(61_000);

    expect(await fetcher.needsUpstream('a')).toBe(false);
    expect(await fetcher.freshFor('a')).toBeUndefined();
  });
});
