import { LRUCache } from 'lru-cache';
import type { EcomCategory } from '../domain/ecom-category.js';

/**
 * The categories the gateway has already seen in upstream answers, by ID. Process-wide, so a
 * federation reference to a known category costs no upstream call. Categories change rarely
 * and every answer re-states its whole chain, so the newest sighting simply replaces the older.
 */
export interface CategoryCatalog {
  /** Remembers every category of a chain (and, through `parent`, its ancestors). */
  remember(categories: readonly EcomCategory[]): void;
  get(id: string): EcomCategory | undefined;
  readonly size: number;
}

export interface CategoryCatalogOptions {
  /** Most categories kept; the least recently seen go first. TikTok Shop's tree has a few thousand. */
  maxEntries?: number;
}

const DEFAULT_MAX_ENTRIES = 5_000;

export function createCategoryCatalog({
  maxEntries = DEFAULT_MAX_ENTRIES,
}: CategoryCatalogOptions = {}): CategoryCatalog {
  const categories = new LRUCache<string, EcomCategory>({ max: maxEntries });
  return {
    remember(chain) {
      for (const category of chain) categories.set(category.id, category);
    },
    get: (id) => categories.get(id),
    get size() {
      return categories.size;
    },
  };
}
