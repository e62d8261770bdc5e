import type { Clock } from '../clock.js';
import { endLookup, inRefreshSpan, startLookup } from '../telemetry/fetch-spans.js';
import type { KeyApi } from '../upstream/keyapi-client.js';
import type { AttemptHooks } from '../upstream/resilience/guard.js';
import { refreshInBackground } from './background-refresh.js';
import { CreditBudgetError } from './budget/credit-budget-error.js';
import type { OperationBudget } from './budget/operation-budget.js';
import type { RequestCost } from './budget/request-cost.js';
import { type CachedAnswer, type GoodAnswer, refusalError } from './cache/cached-answer.js';
import type { CachePolicy } from './cache/freshness.js';
import type { TieredCache } from './cache/tiered-cache.js';
import { createInFlight } from './coalescing/in-flight.js';
import type { LeasedCall } from './coalescing/leased-call.js';
import { payForMiss } from './paid-miss.js';
import type { Source } from './source.js';
import { freshAnswer, type Outcome, rulesNow, type SourceKey, sourceKey } from './source-key.js';

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
  /** Serve an answer past its freshness (within its grace) at once, and refresh it behind the response. */
  staleWhileRevalidate: boolean;
  /** Told of every lookup of a key, for refresh-ahead's popularity. */
  onAsked?: (source: string, id: string, key: unknown) => void;
  /** Told how each lookup was answered, and how each background refresh ended. */
  observe: {
    lookup(result: 'hit' | 'miss' | 'stale'): void;
    coalesced(): void;
    refresh(trigger: RefreshTrigger, outcome: 'ok' | 'failed' | 'skipped', credits: number): void;
  };
}

/** Why a refresh went out without a request waiting for it. */
export type RefreshTrigger = 'stale' | 'ahead';

/** Fetches one source's answers for every request of the process, paying for each key as rarely as possible. */
export interface CachedFetcher<K, V> {
  fetch(key: K, cost: RequestCost): Promise<Fetched<V>>;
  /** Whether answering `key` now would take an upstream call (for the pre-execution cost check). */
  needsUpstream(key: K): Promise<boolean>;
  /** How long the cached answer for `key` stays fresh (ms), or undefined when there is none. */
  freshFor(key: K): Promise<number | undefined>;
  /**
   * Refreshes `key` behind the requests, once across the fleet: booked by `hooks`; a failure
   * keeps the old copy. Resolves when it ended (or was left to another call already under way).
   */
  refresh(key: K, requestId: string, hooks: AttemptHooks, trigger: RefreshTrigger): Promise<void>;
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
  return new SourceFetcher(source, deps);
}

class SourceFetcher<K, P, V> implements CachedFetcher<K, V> {
  private readonly inFlight = createInFlight<Outcome>();

  constructor(
    private readonly source: Source<K, P, V>,
    private readonly deps: FetcherDeps,
  ) {}

  async fetch(key: K, cost: RequestCost): Promise<Fetched<V>> {
    const at = sourceKey(this.source, this.deps, key);
    this.deps.onAsked?.(this.source.name, at.id, key);
    const lookup = startLookup(at.id);
    const { rules, cached, fresh, stale } = await this.lookUp(at);
    if (cached && fresh) {
      cost.cacheHits += 1;
      this.deps.observe.lookup('hit');
      endLookup(lookup, 'hit');
      if (cached.kind === 'refusal') throw refusalError(cached.error);
      cost.noteFresh(rules.freshUntil(cached), cached.fetchedAt);
      return this.fetched(cached);
    }
    if (stale) {
      endLookup(lookup, 'stale');
      // Stale-while-revalidate: the old answer now, one refresh behind it, booked to this client.
      void this.refresh(key, cost.requestId, this.deps.budget(cost.forRefresh()), 'stale');
      cost.cacheHits += 1;
      return this.served(at, { good: stale, staleBecause: 'REFRESHING' }, cost);
    }
    this.deps.observe.lookup('miss');
    endLookup(lookup, 'miss');
    return this.joinMiss(at, cached, cost);
  }

  async needsUpstream(key: K): Promise<boolean> {
    const at = sourceKey(this.source, this.deps, key);
    if (this.inFlight.has(at.id)) return false;
    // An answer within its grace is served at once while it refreshes: the operation pays nothing.
    const { fresh, stale } = await this.lookUp(at);
    return !fresh && !stale;
  }

  /** What the cache holds for a key now: fresh, servable stale while it refreshes, or neither. */
  private async lookUp(at: SourceKey<K, P, V>) {
    const rules = rulesNow(at);
    const cached = await this.deps.cache.get(at.id, rules.isFresh);
    const fresh = cached !== undefined && rules.isFresh(cached);
    const stale = !fresh && this.deps.staleWhileRevalidate ? rules.lastGood(cached) : undefined;
    return { rules, cached, fresh, stale };
  }

  async freshFor(key: K): Promise<number | undefined> {
    const at = sourceKey(this.source, this.deps, key);
    const answer = await freshAnswer(at);
    return answer?.kind === 'answer'
      ? rulesNow(at).freshUntil(answer) - this.deps.clock.now().getTime()
      : undefined;
  }

  async refresh(key: K, requestId: string, hooks: AttemptHooks, trigger: RefreshTrigger): Promise<void> {
    const at = sourceKey(this.source, this.deps, key);
    // A refresh or a paid miss already under way for this key answers for this one too.
    if (this.inFlight.has(at.id)) return;
    const { promise } = this.inFlight.join(at.id, () =>
      inRefreshSpan(at.id, trigger, (span) => refreshInBackground(at, { requestId, hooks, trigger, span })),
    );
    await promise.catch(() => {});
  }

  /** Pays for a miss, or shares the payment of a miss or refresh already under way in this process. */
  private async joinMiss(at: SourceKey<K, P, V>, cached: CachedAnswer | undefined, cost: RequestCost) {
    const { promise, leader } = this.inFlight.join(at.id, () => payForMiss(at, cached, cost));
    if (!leader) {
      cost.coalesced += 1;
      this.deps.observe.coalesced();
    }
    // Another operation's budget is not this one's: a follower asks again on its own account,
    // whether the leader's refusal failed it or fell back to a stale answer.
    const retry = () => {
      cost.coalesced -= 1;
      return this.fetch(at.key, cost);
    };
    let outcome: Outcome;
    try {
      outcome = await promise;
    } catch (error) {
      if (leader || !(error instanceof CreditBudgetError)) throw error;
      return retry();
    }
    if (!leader && outcome.staleBecause === 'CREDIT_BUDGET_EXCEEDED') return retry();
    return this.served(at, outcome, cost);
  }

  private fetched(good: GoodAnswer): Fetched<V> {
    return { value: good.value as V, fetchedAt: new Date(good.fetchedAt) };
  }

  private served(at: SourceKey<K, P, V>, outcome: Outcome, cost: RequestCost): Fetched<V> {
    if (outcome.staleBecause === undefined) {
      cost.noteFresh(rulesNow(at).freshUntil(outcome.good), outcome.good.fetchedAt);
    } else {
      this.deps.observe.lookup('stale');
      const { fetchedAt } = outcome.good;
      cost.stale.push({
        id: this.source.keyId(at.key),
        fetchedAt: new Date(fetchedAt).toISOString(),
        ageSeconds: Math.floor((this.deps.clock.now().getTime() - fetchedAt) / 1000),
        reason: outcome.staleBecause,
      });
    }
    return this.fetched(outcome.good);
  }
}
