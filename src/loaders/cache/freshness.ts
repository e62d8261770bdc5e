import { isMonthScope } from '../domain/time-scope.js';

export interface CachePolicy {
  /** How long an answer stays fresh, by time scope. A past month never changes, so it keeps longest. */
  ttlMs: { '1': number; '7': number; '30': number; month: number };
  /** After it goes stale, how long an answer may still be served when KeyAPI fails. */
  staleGraceMs: number;
  /** How long a definite refusal (400, non-zero code) for a key is remembered, so it is not paid for again. */
  negativeTtlMs: number;
}

export function freshForMs(timeScope: string, policy: CachePolicy): number {
  if (isMonthScope(timeScope)) return policy.ttlMs.month;
  return policy.ttlMs[timeScope as '1' | '7' | '30'] ?? policy.ttlMs['1'];
}
