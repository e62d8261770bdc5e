import { LRUCache } from 'lru-cache';
import type { InsightInfo } from '../upstream/envelope.js';
import { UpstreamError, type UpstreamErrorCode } from '../upstream/upstream-error.js';

/** A remembered upstream answer: the decoded payload, or a definite refusal. */
export type CachedAnswer =
  | { kind: 'insight'; info: InsightInfo; fetchedAt: number }
  | { kind: 'refusal'; error: RefusalSnapshot; fetchedAt: number };

export interface RefusalSnapshot {
  code: UpstreamErrorCode;
  message: string;
  status?: number;
  upstreamCode?: number;
  upstreamMessage?: string;
}

/** One tier of the insight cache, keyed by the insight key ID. */
export interface InsightCache {
  get(id: string): Promise<CachedAnswer | undefined>;
  /** Keeps `answer` for `keepMs` (its freshness plus the stale grace). */
  set(id: string, answer: CachedAnswer, keepMs: number): Promise<void>;
}

export function snapshotRefusal(error: UpstreamError): RefusalSnapshot {
  return {
    code: error.code,
    message: error.message,
    status: error.status,
    upstreamCode: error.upstreamCode,
    upstreamMessage: error.upstreamMessage,
  };
}

export function refusalError(snapshot: RefusalSnapshot): UpstreamError {
  return new UpstreamError(snapshot.code, snapshot.message, snapshot);
}

export interface MemoryCacheOptions {
  maxEntries: number;
  /** Approximate bytes of JSON held, all entries together. */
  maxBytes: number;
}

/**
 * The process's own tier: an LRU bounded by entries and by bytes. Answers are kept as JSON
 * text: a third of the memory of the parsed objects, and the byte bound then means what it says.
 */
export function createMemoryCache({ maxEntries, maxBytes }: MemoryCacheOptions): InsightCache {
  const lru = new LRUCache<string, string>({
    max: maxEntries,
    maxSize: maxBytes,
    sizeCalculation: (json) => json.length,
  });
  return {
    get: async (id) => {
      const json = lru.get(id);
      return json === undefined ? undefined : (JSON.parse(json) as CachedAnswer);
    },
    set: async (id, answer, keepMs) => {
      const json = JSON.stringify(answer);
      // An entry larger than the whole cache would be refused by the LRU; skip it instead.
      if (json.length <= maxBytes) lru.set(id, json, { ttl: keepMs });
    },
  };
}
