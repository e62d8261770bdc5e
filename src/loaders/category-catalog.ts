import { LRUCache } from 'lru-cache';
import type { EcomCategory } from '../domain/ecom-category.js';
import type { RedisClient } from '../redis/connection.js';

/**
 * The categories the gateway has already seen in upstream answers, by ID. Process-wide, and
 * shared through Redis when configured, so a reference to a known category costs no call on any
 * instance, even after a restart. Categories change rarely and every answer re-states its whole
 * chain, so the newest sighting replaces the older.
 */
export interface CategoryCatalog {
  /** Remembers every category of a chain (and, through `parent`, its ancestors). */
  remember(categories: readonly EcomCategory[]): void;
  /** What this instance has seen. */
  get(id: string): EcomCategory | undefined;
  /** What any instance has seen. */
  find(id: string): Promise<EcomCategory | undefined>;
  readonly size: number;
}

export interface CategoryCatalogOptions {
  /** Most categories kept in memory; the least recently seen go first. TikTok Shop's tree has a few thousand. */
  maxEntries?: number;
  /** The fleet's catalog, and what to do when it fails (the memory tier carries on). */
  shared?: { redis: RedisClient; onError: (error: unknown) => void };
}

const DEFAULT_MAX_ENTRIES = 5_000;
/** One hash for the fleet: the tree is bounded by what KeyAPI answers, not by what clients ask. */
const KEY = 'catalog:categories';

export function createCategoryCatalog({
  maxEntries = DEFAULT_MAX_ENTRIES,
  shared,
}: CategoryCatalogOptions = {}): CategoryCatalog {
  const categories = new LRUCache<string, EcomCategory>({ max: maxEntries });
  const seenElsewhere = async (id: string) => {
    if (!shared) return undefined;
    try {
      const json = await shared.redis.hget(KEY, id);
      const category = json ? (JSON.parse(json) as EcomCategory) : undefined;
      if (category) categories.set(id, category);
      return category;
    } catch (error) {
      shared.onError(error);
      return undefined;
    }
  };
  return {
    remember(chain) {
      const fresh = chain.filter((category) => !categories.has(category.id));
      for (const category of chain) categories.set(category.id, category);
      if (!shared || fresh.length === 0) return;
      const fields = fresh.flatMap((category) => [category.id, JSON.stringify(category)]);
      shared.redis.hset(KEY, ...fields).catch(shared.onError);
    },
    get: (id) => categories.get(id),
    find: async (id) => categories.get(id) ?? seenElsewhere(id),
    get size() {
      return categories.size;
    },
  };
}
