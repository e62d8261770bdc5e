import { isMonthScope } from '../../domain/time-scope.js';
import type { CachedAnswer, GoodAnswer } from './cached-answer.js';

export interface CachePolicy {
  /** How long an answer stays fresh, by time scope. A past month never changes, so it keeps longest. */
  ttlMs: { '1': number; '7': number; '30': number; month: number };
  /** After it goes stale, how long an answer may still be served when KeyAPI fails. */
  staleGraceMs: number;
  /** How long a definite refusal (400, non-zero code) for a key is remembered, so it is not paid for again. */
  negativeTtlMs: number;
}

/** How long an answer for a time scope stays fresh. */
export function freshForScope(timeScope: string, policy: CachePolicy): number {
  if (isMonthScope(timeScope)) return policy.ttlMs.month;
  return policy.ttlMs[timeScope as '1' | '7' | '30'] ?? policy.ttlMs['1'];
}

/** The freshness rules of one key's answers, given how long a good answer stays fresh. */
export interface Freshness {
  /** Whether the answer may be served as it is. */
  isFresh(answer: CachedAnswer): boolean;
  /** When a fresh good answer stops being fresh (ms since the epoch). */
  freshUntil(answer: GoodAnswer): number;
  /** The newest good answer within its grace window: what an outage may serve instead. */
  lastGood(answer: CachedAnswer | undefined): GoodAnswer | undefined;
  /** How long to keep an answer: its freshness, and its grace for a good one (or one carried along). */
  keepFor(answer: CachedAnswer): number;
}

export function freshness(goodForMs: number, policy: CachePolicy, now: number): Freshness {
  const freshFor = (answer: CachedAnswer) => (answer.kind === 'refusal' ? policy.negativeTtlMs : goodForMs);
  const goodUntil = (good: GoodAnswer | undefined) =>
    good ? good.fetchedAt + goodForMs + policy.staleGraceMs : 0;
  const goodOf = (answer: CachedAnswer | undefined) =>
    answer?.kind === 'answer' ? answer : answer?.lastGood;
  return {
    isFresh: (answer) => now < answer.fetchedAt + freshFor(answer),
    freshUntil: (answer) => answer.fetchedAt + goodForMs,
    lastGood(answer) {
      const good = goodOf(answer);
      return good && now < goodUntil(good) ? { value: good.value, fetchedAt: good.fetchedAt } : undefined;
    },
    keepFor: (answer) => Math.max(answer.fetchedAt + freshFor(answer), goodUntil(goodOf(answer))) - now,
  };
}
