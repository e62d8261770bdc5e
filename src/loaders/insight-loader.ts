import DataLoader from 'dataloader';
import type { CategoryInsight } from '../domain/category-insight.js';
import type { EcomCategory } from '../domain/ecom-category.js';
import {
  type InsightKey,
  insightKeyId,
  parseCategoryId,
  parseInsightKeyId,
  toInsightKey,
} from '../domain/insight-key.js';
import type { CategoryCatalog } from './category-catalog.js';
import type { InsightFetcher } from './insight-fetcher.js';
import type { RequestCost } from './request-cost.js';

/** The arguments every path to an insight carries; absent or null region/scope take the defaults. */
export interface InsightArgs {
  id: unknown;
  region?: unknown;
  timeScope?: unknown;
}

/**
 * One per GraphQL request. Every path to an insight (root fields, list items, nested
 * `EcomCategory.insight`, federation references) comes through here, so equal questions
 * asked any number of ways in one operation cost one upstream call.
 */
export interface InsightLoader {
  /** Validates and normalizes, then loads; invalid arguments reject before any upstream call. */
  load(args: InsightArgs): Promise<CategoryInsight>;
  loadKey(key: InsightKey): Promise<CategoryInsight>;
  /** By public `CategoryInsight.id` ("categoryId:region:timeScope"), validated like arguments. */
  loadId(id: string): Promise<CategoryInsight>;
  /**
   * A category the catalog has seen, else the one of that ID in its own insight (all regions,
   * 1 day). KeyAPI answers only third-level IDs, so an unseen level-1 or level-2 ID fails upstream.
   */
  loadCategory(id: unknown): Promise<EcomCategory | null>;
}

export function createInsightLoader(
  fetcher: InsightFetcher,
  now: Date,
  cost: RequestCost,
  catalog?: CategoryCatalog,
): InsightLoader {
  const remember = (insight: CategoryInsight) => {
    catalog?.remember(insight.categoryPath);
    return insight;
  };
  const loader = new DataLoader<InsightKey, CategoryInsight, string>(
    // Distinct keys of one tick go out together; failures stay per key so siblings keep their data.
    async (keys) => Promise.all(keys.map((key) => fetcher.fetch(key, cost).then(remember).catch(asError))),
    { cacheKeyFn: insightKeyId },
  );
  return {
    load: async (args) =>
      loader.load(
        toInsightKey(
          { id: args.id, region: args.region ?? 'all_regions', timeScope: args.timeScope ?? '1' },
          now,
        ),
      ),
    loadKey: (key) => loader.load(key),
    loadId: async (id) => loader.load(parseInsightKeyId(id, now)),
    loadCategory: async (id) => {
      const categoryId = parseCategoryId(id);
      const known = catalog?.get(categoryId);
      if (known) return known;
      const insight = await loader.load(
        toInsightKey({ id: categoryId, region: 'all_regions', timeScope: '1' }, now),
      );
      return insight.categoryPath.find((category) => category.id === categoryId) ?? null;
    },
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
