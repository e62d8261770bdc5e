import type { Clock } from '../clock.js';
import type { KeyApi } from '../upstream/keyapi-client.js';
import { UpstreamError } from '../upstream/upstream-error.js';
import { CreditBudgetError } from './budget/credit-budget-error.js';
import type { OperationBudget } from './budget/operation-budget.js';
import type { RequestCost } from './budget/request-cost.js';
import {
  type CachedAnswer,
  type GoodAnswer,
  isRefusal,
  refusalError,
  snapshotRefusal,
} from './cache/cached-answer.js';
import { type CachePolicy, freshness } from './cache/freshness.js';
import type { TieredCache } from './cache/tiered-cache.js';
import { createInFlight } from './coalescing/in-flight.js';
import type { LeasedCall } from './coalescing/leased-call.js';
import type { Source } from './source.js';

/** An answer as the loaders see it: the endpoint's decoded data, and when it was fetched. */
export interface Fetched<V> {
  value: V;
  fetchedAt: Date;
}

export interface FetcherDeps {
  keyapi: KeyApi;
  cache: TieredCache;
  /** Set when instances share Redis: one instance pays, the others wait for its answer. */
  leased?: LeasedCall;
  budget: OperationBudget;
  policy: CachePolicy;
  clock: Clock;
  /** Told how each lookup was answered. */
  observe: { lookup(result: 'hit' | 'miss' | 'stale'): void; coalesced(): void };
}

/** Fetches one source's answers for every request of the process, paying for each key as rarely as possible. */
export interface CachedFetcher<K, V> {
  fetch(key: K, cost: RequestCost): Promise<Fetched<V>>;
  /** Whether answering `key` now would take an upstream call (for the pre-execution cost check). */
  needsUpstream(key: K): Promise<boolean>;
}

interface Outcome {
  good: GoodAnswer;
  /** Set when KeyAPI failed and an older answer was served instead. */
  staleBecause?: string;
}

/**
 * The orchestrator, in the order a miss meets it: the cache (memory, then Redis), a call already
 * under way in this process, the cross-instance lease, then one guarded, budgeted call. When the
 * call fails, an older answer within its grace is served instead.
 */
export function createCachedFetcher<K, P, V>(
  source: Source<K, P, V>,
  deps: FetcherDeps,
): CachedFetcher<K, V> {
  const { cache, clock, observe } = deps;
  const inFlight = createInFlight<Outcome>();
  const rules = (key: K) =>
    freshness(source.freshForMs(key, deps.policy), deps.policy, clock.now().getTime());
  const cacheId = (key: K) => `${source.name}:${source.keyId(key)}`;
  const fetched = (good: GoodAnswer): Fetched<V> => ({
    value: good.value as V,
    fetchedAt: new Date(good.fetchedAt),
  });

  /** The cached answer for `key` if it is still fresh; a stale one is no answer here. */
  async function freshAnswer(key: K, id: string) {
    const { isFresh } = rules(key);
    const answer = await cache.get(id, isFresh);
    return answer && isFresh(answer) ? answer : undefined;
  }

  async function pay(key: K, id: string, previous: CachedAnswer | undefined, cost: RequestCost) {
    let answer: CachedAnswer;
    try {
      const options = { scope: id, requestId: cost.requestId, hooks: deps.budget(cost) };
      const value = await deps.keyapi.call(source.endpoint, source.params(key), options);
      answer = { kind: 'answer', value, fetchedAt: clock.now().getTime() };
    } catch (error) {
      if (!isRefusal(error)) throw error;
      // A refusal carries the last good copy along, so the next outage still has it to serve.
      const lastGood = rules(key).lastGood(previous);
      answer = {
        kind: 'refusal',
        error: snapshotRefusal(error),
        fetchedAt: clock.now().getTime(),
        ...(lastGood && { lastGood }),
      };
    }
    const keepMs = rules(key).keepFor(answer);
    // Nothing to keep (a TTL of 0 turns caching off); lru-cache would even read ttl 0 as "forever".
    if (keepMs > 0) await cache.set(id, answer, keepMs);
    return answer;
  }

  async function callOnce(key: K, id: string, previous: CachedAnswer | undefined, cost: RequestCost) {
    if (!deps.leased) return pay(key, id, previous, cost);
    const { answer, coalesced } = await deps.leased(
      id,
      () => freshAnswer(key, id),
      () => pay(key, id, previous, cost),
    );
    if (coalesced) cost.coalesced += 1;
    return answer;
  }

  async function resolve(
    key: K,
    id: string,
    previous: CachedAnswer | undefined,
    cost: RequestCost,
  ): Promise<Outcome> {
    let answer: CachedAnswer;
    try {
      answer = await callOnce(key, id, previous, cost);
    } catch (error) {
      const usable = rules(key).lastGood(previous);
      const transient =
        !isRefusal(error) && (error instanceof UpstreamError || error instanceof CreditBudgetError);
      if (usable && transient) return { good: usable, staleBecause: error.code };
      throw error;
    }
    if (answer.kind === 'refusal') throw refusalError(answer.error);
    return { good: answer };
  }

  function served(key: K, outcome: Outcome, cost: RequestCost): Fetched<V> {
    if (outcome.staleBecause === undefined) {
      cost.noteFresh(rules(key).freshUntil(outcome.good));
    } else {
      observe.lookup('stale');
      const fetchedAt = new Date(outcome.good.fetchedAt).toISOString();
      cost.stale.push({ id: source.keyId(key), fetchedAt, reason: outcome.staleBecause });
    }
    return fetched(outcome.good);
  }

  async function fetch(key: K, cost: RequestCost): Promise<Fetched<V>> {
    const id = cacheId(key);
    const { isFresh, freshUntil } = rules(key);
    const cached = await cache.get(id, isFresh);
    if (cached && isFresh(cached)) {
      cost.cacheHits += 1;
      observe.lookup('hit');
      if (cached.kind === 'refusal') throw refusalError(cached.error);
      cost.noteFresh(freshUntil(cached));
      return fetched(cached);
    }
    observe.lookup('miss');
    const { promise, leader } = inFlight.join(id, () => resolve(key, id, cached, cost));
    if (!leader) {
      cost.coalesced += 1;
      observe.coalesced();
    }
    try {
      return served(key, await promise, cost);
    } catch (error) {
      // Another operation's budget is not this one's: ask again on our own account.
      if (leader || !(error instanceof CreditBudgetError)) throw error;
      cost.coalesced -= 1;
      return fetch(key, cost);
    }
  }

  return {
    fetch,
    async needsUpstream(key) {
      const id = cacheId(key);
      return !inFlight.has(id) && (await freshAnswer(key, id)) === undefined;
    },
  };
}
