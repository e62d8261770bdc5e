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

/** The process's own tier: an LRU bounded by entries and by bytes. */
export function createMemoryCache({ maxEntries, maxBytes }: MemoryCacheOptions): InsightCache {
  const lru = new LRUCache<string, { answer: CachedAnswer; bytes: number }>({
    max: maxEntries,
    maxSize: maxBytes,
    sizeCalculation: (entry) => entry.bytes,
  });
  return {
    get: async (id) => lru.get(id)?.answer,
    set: async (id, answer, keepMs) => {
      const bytes = Buffer.byteLength(JSON.stringify(answer));
      // An entry larger than the whole cache would be refused by the LRU; skip it instead.
      if (bytes <= maxBytes) lru.set(id, { answer, bytes }, { ttl: keepMs });
    },
  };
}
