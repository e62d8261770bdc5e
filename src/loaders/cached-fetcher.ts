import { type CategoryInsight, toCategoryInsight } from '../domain/category-insight.js';
import { type InsightKey, insightKeyId } from '../domain/insight-key.js';
import type { InsightInfo } from '../upstream/envelope.js';
import type { GuardedInsightClient } from '../upstream/guarded-client.js';
import { UpstreamError } from '../upstream/upstream-error.js';
import { type CachePolicy, freshForMs } from './cache-policy.js';
import { CreditBudgetError } from './credit-budget-error.js';
import type { CreditLedger } from './credit-ledger.js';
import type { FetchLease } from './fetch-lease.js';
import { type CachedAnswer, refusalError, snapshotRefusal } from './insight-cache.js';
import type { TieredCache } from './redis-insight-cache.js';
import { CREDITS_PER_CALL, type RequestCost } from './request-cost.js';

export interface InsightFetcherOptions {
  client: GuardedInsightClient;
  cache: TieredCache;
  /** Set when instances share Redis: one instance pays, the others wait for its answer. */
  lease?: FetchLease;
  /** The longest an instance waits for a live lease holder's answer before paying itself. */
  leaseWaitMs: number;
  ledger: CreditLedger;
  policy: CachePolicy;
  /** Upstream calls one operation may pay for. */
  maxCallsPerOperation: number;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  onSharedError: (error: unknown) => void;
  /** Told how each lookup was answered. */
  observe: { lookup(result: 'hit' | 'miss' | 'stale'): void; coalesced(): void };
}

/** Fetches insights for every request of the process, paying for each key as rarely as possible. */
export interface InsightFetcher {
  fetch(key: InsightKey, cost: RequestCost): Promise<CategoryInsight>;
  /** Whether answering `key` now would take an upstream call (for the pre-execution cost check). */
  needsUpstream(key: InsightKey): Promise<boolean>;
}

interface Outcome {
  insight: CategoryInsight;
  /** Set when KeyAPI failed and an older answer was served instead. */
  staleBecause?: string;
}

/** Definite answers about a key: remembered briefly so a repeated bad ID does not pay again. */
const isRefusal = (error: unknown): error is UpstreamError =>
  error instanceof UpstreamError &&
  (error.code === 'UPSTREAM_BAD_REQUEST' || error.code === 'UPSTREAM_ERROR');

const LEASE_POLL_MS = 25;

export function createInsightFetcher(options: InsightFetcherOptions): InsightFetcher {
  const { client, cache, lease, ledger, policy, clock } = options;
  const inFlight = new Map<string, Promise<Outcome>>();

  const freshFor = (key: InsightKey, kind: CachedAnswer['kind']) =>
    kind === 'refusal' ? policy.negativeTtlMs : freshForMs(key.timeScope, policy);
  const isFresh = (key: InsightKey) => (answer: CachedAnswer) =>
    clock().getTime() < answer.fetchedAt + freshFor(key, answer.kind);
  /** The cached answer for `key` if it is still fresh; a stale one is no answer here. */
  const freshAnswer = async (key: InsightKey, id: string) => {
    const answer = await cache.get(id, isFresh(key));
    return answer && isFresh(key)(answer) ? answer : undefined;
  };
  const insightOf = (key: InsightKey, info: InsightInfo, fetchedAt: number) =>
    toCategoryInsight(key, info, new Date(fetchedAt));

  /** An attempt that never reached KeyAPI was not paid for: the operation and the day get it back. */
  async function refundAttempt(cost: RequestCost) {
    cost.upstreamCalls -= 1;
    await ledger.refund(cost.clientId, CREDITS_PER_CALL);
  }

  async function reserveAttempt(cost: RequestCost) {
    const max = options.maxCallsPerOperation;
    if (cost.upstreamCalls >= max) {
      throw new CreditBudgetError(
        'operation',
        `This operation reached its budget of ${max * CREDITS_PER_CALL} credits (${max} upstream calls)`,
      );
    }
    // Counted before the await below, so concurrent attempts cannot all slip under the limit.
    cost.upstreamCalls += 1;
    const refused = await ledger.reserve(cost.clientId, CREDITS_PER_CALL);
    if (refused) {
      cost.upstreamCalls -= 1;
      throw new CreditBudgetError(
        refused,
        refused === 'client'
          ? "This client's daily credit budget is spent"
          : "The gateway's daily credit budget is spent",
      );
    }
  }

  /** The newest good answer known for a key, within its grace window: what an outage may serve. */
  const lastGoodOf = (key: InsightKey, answer: CachedAnswer | undefined) => {
    const good = answer?.kind === 'insight' ? answer : answer?.lastGood;
    return good && clock().getTime() < good.fetchedAt + freshFor(key, 'insight') + policy.staleGraceMs
      ? { info: good.info, fetchedAt: good.fetchedAt }
      : undefined;
  };

  /** How long an answer is kept: its freshness, and for a good copy (or one carried along) its grace too. */
  const keepFor = (key: InsightKey, answer: CachedAnswer) => {
    const good = answer.kind === 'insight' ? answer : answer.lastGood;
    const goodUntil = good ? good.fetchedAt + freshFor(key, 'insight') + policy.staleGraceMs : 0;
    return Math.max(answer.fetchedAt + freshFor(key, answer.kind), goodUntil) - clock().getTime();
  };

  async function callUpstream(
    key: InsightKey,
    id: string,
    previous: CachedAnswer | undefined,
    cost: RequestCost,
  ): Promise<CachedAnswer> {
    let answer: CachedAnswer;
    try {
      const info = await client.fetchInsight(
        { id: key.categoryId, region: key.region, timeScope: key.timeScope, requestId: cost.requestId },
        { beforeAttempt: () => reserveAttempt(cost), notSent: () => refundAttempt(cost) },
      );
      answer = { kind: 'insight', info, fetchedAt: clock().getTime() };
    } catch (error) {
      if (!isRefusal(error)) throw error;
      // A refusal carries the last good copy along, so the next outage still has it to serve.
      const lastGood = lastGoodOf(key, previous);
      answer = {
        kind: 'refusal',
        error: snapshotRefusal(error),
        fetchedAt: clock().getTime(),
        ...(lastGood && { lastGood }),
      };
    }
    const keepMs = keepFor(key, answer);
    // Nothing to keep (a TTL of 0 turns caching off); lru-cache would even read ttl 0 as "forever".
    if (keepMs > 0) await cache.set(id, answer, keepMs);
    return answer;
  }

  /** Keeps our lease alive while the call runs, so waiting instances know the holder lives. */
  async function whileLeased<T>(activeLease: FetchLease, id: string, call: () => Promise<T>): Promise<T> {
    const renewal = setInterval(
      () => void activeLease.renew(id).catch(options.onSharedError),
      Math.max(50, Math.floor(activeLease.leaseMs / 3)),
    );
    try {
      return await call();
    } finally {
      clearInterval(renewal);
      await activeLease.release(id).catch(options.onSharedError);
    }
  }

  /** With Redis: whoever holds the key's lease pays; the others wait for its answer to land. */
  async function callOnce(
    key: InsightKey,
    id: string,
    previous: CachedAnswer | undefined,
    cost: RequestCost,
  ): Promise<CachedAnswer> {
    if (!lease) return callUpstream(key, id, previous, cost);
    const deadline = Date.now() + options.leaseWaitMs;
    while (Date.now() < deadline) {
      let won: boolean;
      try {
        won = await lease.acquire(id);
      } catch (error) {
        options.onSharedError(error);
        return callUpstream(key, id, previous, cost);
      }
      if (won) {
        return whileLeased(lease, id, async () => {
          const landed = await freshAnswer(key, id);
          if (!landed) return callUpstream(key, id, previous, cost);
          cost.coalesced += 1;
          return landed;
        });
      }
      while (Date.now() < deadline) {
        await options.sleep(LEASE_POLL_MS);
        const landed = await freshAnswer(key, id);
        if (landed) {
          cost.coalesced += 1;
          return landed;
        }
        // The holder finished without an answer, or died and its lease ran out: compete again.
        if (!(await lease.isHeld(id).catch(() => false))) break;
      }
    }
    return callUpstream(key, id, previous, cost);
  }

  async function resolve(key: InsightKey, id: string, previous: CachedAnswer | undefined, cost: RequestCost) {
    let answer: CachedAnswer;
    try {
      answer = await callOnce(key, id, previous, cost);
    } catch (error) {
      // Stale-if-error: within the grace window, an old answer beats an outage.
      const usable = lastGoodOf(key, previous);
      if (
        usable &&
        !isRefusal(error) &&
        (error instanceof UpstreamError || error instanceof CreditBudgetError)
      ) {
        return {
          insight: insightOf(key, usable.info, usable.fetchedAt),
          staleBecause: error.code,
        } satisfies Outcome;
      }
      throw error;
    }
    if (answer.kind === 'refusal') throw refusalError(answer.error);
    return { insight: insightOf(key, answer.info, answer.fetchedAt) } satisfies Outcome;
  }

  async function fetch(key: InsightKey, cost: RequestCost): Promise<CategoryInsight> {
    const id = insightKeyId(key);
    const cached = await cache.get(id, isFresh(key));
    if (cached && isFresh(key)(cached)) {
      cost.cacheHits += 1;
      options.observe.lookup('hit');
      if (cached.kind === 'refusal') throw refusalError(cached.error);
      cost.noteFresh(cached.fetchedAt + freshFor(key, cached.kind));
      return insightOf(key, cached.info, cached.fetchedAt);
    }

    let pending = inFlight.get(id);
    const leader = pending === undefined;
    options.observe.lookup('miss');
    if (pending) {
      cost.coalesced += 1;
      options.observe.coalesced();
    } else {
      pending = resolve(key, id, cached, cost).finally(() => inFlight.delete(id));
      inFlight.set(id, pending);
    }
    try {
      const outcome = await pending;
      if (outcome.staleBecause) {
        options.observe.lookup('stale');
        cost.stale.push({
          id,
          fetchedAt: outcome.insight.fetchedAt.toISOString(),
          reason: outcome.staleBecause,
        });
      } else {
        cost.noteFresh(outcome.insight.fetchedAt.getTime() + freshFor(key, 'insight'));
      }
      return outcome.insight;
    } catch (error) {
      // Another operation's budget is not this one's: ask again on our own account.
      if (!leader && error instanceof CreditBudgetError) {
        cost.coalesced -= 1;
        return fetch(key, cost);
      }
      throw error;
    }
  }

  return {
    fetch,
    async needsUpstream(key) {
      const id = insightKeyId(key);
      if (inFlight.has(id)) return false;
      return (await freshAnswer(key, id)) === undefined;
    },
  };
}
