import { LRUCache } from 'lru-cache';
import type { AnswerCache, CachedAnswer } from './cached-answer.js';

export interface MemoryCacheOptions {
  maxEntries: number;
  /** Approximate bytes of JSON held, all entries together. */
  maxBytes: number;
}

/**
 * The process's own tier: an LRU bounded by entries and by bytes. Answers are kept as UTF-8 JSON
 * in buffers outside the JS heap, so the byte bound means what it says: a parsed object takes
 * several times that, and a string with one Arabic or Thai hashtag two bytes a character.
 */
export function createMemoryCache({ maxEntries, maxBytes }: MemoryCacheOptions): AnswerCache {
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
