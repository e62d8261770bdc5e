import { createHash } from 'node:crypto';
import type { RequestCost } from '../loaders/budget/request-cost.js';

/** What a response HTTP caches may keep was built from: the freshness of its insights, and its data. */
export interface ServedInsights {
  /** When its least fresh insight goes stale (ms since the epoch). */
  freshUntil: number;
  /** When its oldest insight was fetched (ms since the epoch); infinite when not known. */
  oldestFetchedAt: number;
  /** A hash of `data` alone: two answers of the same data differ in `extensions.cost`. */
  dataTag: string;
}

const served = new WeakMap<Request, ServedInsights>();

/**
 * What a result served, when a cache may keep it: no errors, nothing stale, and at least one
 * fresh insight. A result without paid data has no freshness the gateway can vouch for.
 */
export function servedInsights(
  cost: RequestCost,
  result: { data?: unknown; errors?: readonly unknown[] },
): ServedInsights | undefined {
  if (result.errors?.length || cost.stale.length > 0 || cost.servedFresh === 0) return undefined;
  return {
    freshUntil: cost.freshUntil,
    oldestFetchedAt: cost.oldestFetchedAt,
    dataTag: createHash('sha1').update(JSON.stringify(result.data)).digest('base64url'),
  };
}

/** Records what the response to `request` served, executed or replayed, for its caching headers. */
export function noteServed(request: Request, insights: ServedInsights): void {
  served.set(request, insights);
}

/** What the response to `request` served, if a cache may keep it. */
export function servedBy(request: Request): ServedInsights | undefined {
  return served.get(request);
}
