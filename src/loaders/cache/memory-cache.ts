import { LRUCache } from 'lru-cache';
import type { InsightInfo } from '../upstream/envelope.js';
import { UpstreamError, type UpstreamErrorCode } from '../upstream/upstream-error.js';

/** A remembered upstream answer: the decoded payload, or a definite refusal. */
export type CachedAnswer =
  | { kind: 'insight'; info: InsightInfo; fetchedAt: number }
  | {
      kind: 'refusal';
      error: RefusalSnapshot;
      fetchedAt: number;
      /** The good answer the refusal replaced, still served when KeyAPI fails within its grace. */
      lastGood?: { info: InsightInfo; fetchedAt: number };
    };

/** What a refusal tells the next client: the gateway's own words, no provider text. */
export interface RefusalSnapshot {
  code: UpstreamErrorCode;
  message: string;
  status?: number;
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
 * The process's own tier: an LRU bounded by entries and by bytes. Answers are kept as UTF-8
 * JSON in buffers, outside the JS heap (10,000 demo answers: 18 MB), and the byte bound then
 * means what it says. Parsed objects take several times that; a JS string would do for ASCII,
 * but one Arabic or Thai hashtag makes V8 store the whole answer at two bytes a character.
 */
export function createMemoryCache({ maxEntries, maxBytes }: MemoryCacheOptions): InsightCache {
  const lru = new LRUCache<string, Buffer>({
    max: maxEntries,
    maxSize: maxBytes,
    sizeCalculation: (json) => json.byteLength,
  });
  return {
    get: async (id) => {
      const json = lru.get(id);
      return json === undefined ? undefined : (JSON.parse(json.toString('utf8')) as CachedAnswer);
    },
    set: async (id, answer, keepMs) => {
      const text = JSON.stringify(answer);
      // Sized exactly rather than cut from Buffer's shared pool: a pooled slice would keep its
      // whole 8 KB slab alive, with whatever short-lived buffers were cut from it too.
      const json = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
      json.write(text, 'utf8');
      // An entry larger than the whole cache would be refused by the LRU; skip it instead.
      if (json.byteLength <= maxBytes) lru.set(id, json, { ttl: keepMs });
    },
  };
}
