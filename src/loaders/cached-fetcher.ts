import type { Span } from '@opentelemetry/api';
import type { Clock } from '../clock.js';
import {
  afterMiss,
  describeRefresh,
  endLookup,
  inLeaseSpan,
  inRefreshSpan,
  startLookup,
} from '../telemetry/fetch-spans.js';
import type { KeyApi } from '../upstream/keyapi-client.js';
import type { AttemptHooks } from '../upstream/resilience/guard.js';
import { UpstreamError } from '../upstream/upstream-error.js';
import { CreditBudgetError } from './budget/credit-budget-error.js';
import type { OperationBudget } from './budget/operation-budget.js';
import { CREDITS_PER_CALL, type RequestCost } from './budget/request-cost.js';
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
  return new SourceFetcher(source, deps);
}

class SourceFetcher<K, P, V> implements CachedFetcher<K, V> {
  private readonly inFlight = createInFlight<Outcome>();

  constructor(
    private readonly source: Source<K, P, V>,
    private readonly deps: FetcherDeps,
  ) {}

  async fetch(key: K, cost: RequestCost): Promise<Fetched<V>> {
    const id = this.cacheId(key);
    this.deps.onAsked?.(this.source.name, id, key);
    const { isFresh, freshUntil, lastGood } = this.rules(key);
    const lookup = startLookup(id);
    const cached = await this.deps.cache.get(id, isFresh);
    if (cached && isFresh(cached)) {
      cost.cacheHits += 1;
      this.deps.observe.lookup('hit');
      endLookup(lookup, 'hit');
      if (cached.kind === 'refusal') throw refusalError(cached.error);
      cost.noteFresh(freshUntil(cached), cached.fetchedAt);
      return this.fetched(cached);
    }
    const stale = this.deps.staleWhileRevalidate ? lastGood(cached) : undefined;
    if (stale) {
      endLookup(lookup, 'stale');
      // Stale-while-revalidate: the old answer now, one refresh behind it, booked to this client.
      void this.refresh(key, cost.requestId, this.deps.budget(cost.forRefresh()), 'stale');
      cost.cacheHits += 1;
      return this.served(key, { good: stale, staleBecause: 'REFRESHING' }, cost);
    }
    this.deps.observe.lookup('miss');
    endLookup(lookup, 'miss');
    const { promise, leader } = this.inFlight.join(id, () => this.resolve(key, id, cached, cost));
    if (!leader) {
      cost.coalesced += 1;
      this.deps.observe.coalesced();
    }
    // Another operation's budget is not this one's: a follower asks again on its own account,
    // whether the leader's refusal failed it or fell back to a stale answer.
    const retry = () => {
      cost.coalesced -= 1;
      return this.fetch(key, cost);
    };
    let outcome: Outcome;
    try {
      outcome = await promise;
    } catch (error) {
      if (leader || !(error instanceof CreditBudgetError)) throw error;
      return retry();
    }
    if (!leader && outcome.staleBecause === 'CREDIT_BUDGET_EXCEEDED') return retry();
    return this.served(key, outcome, cost);
  }

  async needsUpstream(key: K): Promise<boolean> {
    const id = this.cacheId(key);
    if (this.inFlight.has(id)) return false;
    const { isFresh, lastGood } = this.rules(key);
    const answer = await this.deps.cache.get(id, isFresh);
    if (answer && isFresh(answer)) return false;
    // An answer within its grace is served at once while it refreshes: the operation pays nothing.
    return !(this.deps.staleWhileRevalidate && lastGood(answer));
  }

  async freshFor(key: K): Promise<number | undefined> {
    const answer = await this.freshAnswer(key, this.cacheId(key));
    return answer?.kind === 'answer'
      ? this.rules(key).freshUntil(answer) - this.deps.clock.now().getTime()
      : undefined;
  }

  async refresh(key: K, requestId: string, hooks: AttemptHooks, trigger: RefreshTrigger): Promise<void> {
    const id = this.cacheId(key);
    // A refresh or a paid miss already under way for this key answers for this one too.
    if (this.inFlight.has(id)) return;
    const { promise } = this.inFlight.join(id, () =>
      inRefreshSpan(id, trigger, (span) => this.refreshed(key, id, requestId, hooks, trigger, span)),
    );
    await promise.catch(() => {});
  }

  private rules(key: K) {
    const { policy, clock } = this.deps;
    return freshness(this.source.freshForMs(key, policy), policy, clock.now().getTime());
  }

  private cacheId(key: K) {
    return `${this.source.name}:${this.source.keyId(key)}`;
  }

  private fetched(good: GoodAnswer): Fetched<V> {
    return { value: good.value as V, fetchedAt: new Date(good.fetchedAt) };
  }

  /** The cached answer for `key` if it is still fresh; a stale one is no answer here. */
  private async freshAnswer(key: K, id: string) {
    const { isFresh } = this.rules(key);
    const answer = await this.deps.cache.get(id, isFresh);
    return answer && isFresh(answer) ? answer : undefined;
  }

  private async resolve(
    key: K,
    id: string,
    previous: CachedAnswer | undefined,
    cost: RequestCost,
  ): Promise<Outcome> {
    let answer: CachedAnswer;
    try {
      answer = await this.callOnce(key, id, previous, cost);
    } catch (error) {
      const usable = this.rules(key).lastGood(previous);
      const transient =
        !isRefusal(error) && (error instanceof UpstreamError || error instanceof CreditBudgetError);
      if (usable && transient) return { good: usable, staleBecause: error.code };
      throw error;
    }
    if (answer.kind === 'refusal') throw refusalError(answer.error);
    return { good: answer };
  }

  private async callOnce(key: K, id: string, previous: CachedAnswer | undefined, cost: RequestCost) {
    const pay = () => this.pay(key, id, previous, cost);
    if (!this.deps.leased) return pay();
    const { leased } = this.deps;
    const { answer, coalesced } = await inLeaseSpan(id, () =>
      leased(id, () => this.freshAnswer(key, id), pay),
    );
    if (coalesced) cost.coalesced += 1;
    return answer;
  }

  private async pay(key: K, id: string, previous: CachedAnswer | undefined, cost: RequestCost) {
    const { keyapi, budget, clock, cache } = this.deps;
    let answer: CachedAnswer;
    try {
      const options = { scope: id, requestId: cost.requestId, hooks: budget(cost) };
      const value = await afterMiss(() =>
        keyapi.call(this.source.endpoint, this.source.params(key), options),
      );
      answer = { kind: 'answer', value, fetchedAt: clock.now().getTime() };
    } catch (error) {
      if (!isRefusal(error)) throw error;
      // A refusal carries the last good copy along, so the next outage still has it to serve.
      const lastGood = this.rules(key).lastGood(previous);
      answer = {
        kind: 'refusal',
        error: snapshotRefusal(error),
        fetchedAt: clock.now().getTime(),
        ...(lastGood && { lastGood }),
      };
    }
    const keepMs = this.rules(key).keepFor(answer);
    // Nothing to keep (a TTL of 0 turns caching off); lru-cache would even read ttl 0 as "forever".
    if (keepMs > 0) await cache.set(id, answer, keepMs);
    return answer;
  }

  /** One background call, under the lease when instances share Redis; a failure keeps the old copy. */
  private async refreshed(
    key: K,
    id: string,
    requestId: string,
    hooks: AttemptHooks,
    trigger: RefreshTrigger,
    span: Span | undefined,
  ) {
    let credits = 0;
    const counted: AttemptHooks = {
      async beforeAttempt() {
        await hooks.beforeAttempt?.();
        credits += CREDITS_PER_CALL;
      },
      async notSent() {
        credits -= CREDITS_PER_CALL;
        await hooks.notSent?.();
      },
    };
    const call = async () => {
      const value = await this.deps.keyapi.call(this.source.endpoint, this.source.params(key), {
        scope: id,
        requestId,
        hooks: counted,
      });
      const answer: CachedAnswer = { kind: 'answer', value, fetchedAt: this.deps.clock.now().getTime() };
      await this.deps.cache.set(id, answer, this.rules(key).keepFor(answer));
      return answer;
    };
    try {
      const answer = this.deps.leased ? await this.deps.leased.ifFree(id, call) : await call();
      this.deps.observe.refresh(trigger, answer ? 'ok' : 'skipped', credits);
      describeRefresh(span, answer ? 'ok' : 'skipped', credits);
      if (answer) return { good: answer };
    } catch {
      this.deps.observe.refresh(trigger, 'failed', credits);
      describeRefresh(span, 'failed', credits);
    }
    // A caller that joined this refresh gets what there was before it.
    const previous = this.rules(key).lastGood(await this.deps.cache.get(id, () => false));
    if (!previous) throw refusalError({ code: 'UPSTREAM_UNAVAILABLE', message: 'KeyAPI is unavailable' });
    return { good: previous, staleBecause: 'REFRESHING' };
  }

  private served(key: K, outcome: Outcome, cost: RequestCost): Fetched<V> {
    if (outcome.staleBecause === undefined) {
      cost.noteFresh(this.rules(key).freshUntil(outcome.good), outcome.good.fetchedAt);
    } else {
      this.deps.observe.lookup('stale');
      const { fetchedAt } = outcome.good;
      cost.stale.push({
        id: this.source.keyId(key),
        fetchedAt: new Date(fetchedAt).toISOString(),
        ageSeconds: Math.floor((this.deps.clock.now().getTime() - fetchedAt) / 1000),
        reason: outcome.staleBecause,
      });
    }
    return this.fetched(outcome.good);
  }
}
