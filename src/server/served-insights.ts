import { createHash } from 'node:crypto';
import type { RequestCost } from '../loaders/budget/request-cost.js';

/** What a response HTTP caches may keep was built from: the freshness of its insights, and its data. */
export interface ServedInsights {
  /** When its least fresh insight goes stale (ms since the epoch). */
  freshUntil: number;
  /** When its oldest insight was fetched (ms since the epoch); infinite when not known. */
  oldestFetchedAt: number;
  /** `data` as JSON, made once for whichever needs it first (the response cache, the ETag). */
  dataJson?: string;
  data?: unknown;
  /** A hash of `data` alone, made when an ETag is wanted: two answers of one data differ in cost. */
  dataTag?: string;
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
  return { freshUntil: cost.freshUntil, oldestFetchedAt: cost.oldestFetchedAt, data: result.data };
}

/** `data` as JSON, stringified at most once per response. */
export function dataJsonOf(insights: ServedInsights): string {
  insights.dataJson ??= JSON.stringify(insights.data);
  return insights.dataJson;
}

/** The hash behind the ETag, made at most once per response. */
export function dataTagOf(insights: ServedInsights): string {
  insights.dataTag ??= createHash('sha1').update(dataJsonOf(insights)).digest('base64url');
  return insights.dataTag;
}

/** What a stored replay keeps: the freshness and the tag, not the data itself. */
export function forReplay(insights: ServedInsights): ServedInsights {
  return {
    freshUntil: insights.freshUntil,
    oldestFetchedAt: insights.oldestFetchedAt,
    dataTag: dataTagOf(insights),
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
