import { type CategoryInsight, toCategoryInsight } from '../domain/category-insight.js';
import type { EcomCategory } from '../domain/ecom-category.js';
import { type InsightKey, parseCategoryId, parseInsightKeyId } from '../domain/insight-key.js';
import { ALL_REGIONS } from '../domain/region.js';
import { DEFAULT_TIME_SCOPE } from '../domain/time-scope.js';
import type { InsightInfo } from '../upstream/endpoints/insight-detail.js';
import type { CategoryCatalog } from './category-catalog.js';
import { insightSource } from './insight-source.js';
import type { Loaded, RequestLoaders } from './request-loaders.js';

/** The arguments every path to an insight carries; absent or null region/scope take the defaults. */
export interface InsightArgs {
  id: unknown;
  region?: unknown;
  timeScope?: unknown;
}

/**
 * Every path to an insight (root fields, list items, nested `EcomCategory.insight`, federation
 * references) comes through here, onto the request's loader for the insight source.
 */
export interface InsightLoader {
  /** Validates and normalizes, then loads; invalid arguments reject before any upstream call. */
  load(args: InsightArgs): Promise<CategoryInsight>;
  /** By public `CategoryInsight.id` ("categoryId:region:timeScope"), validated like arguments. */
  loadId(id: string): Promise<CategoryInsight>;
  /**
   * A category the catalog has seen, else the one of that ID in its own insight (all regions,
   * 1 day). KeyAPI answers only third-level IDs, so an unseen level-1 or level-2 ID fails upstream.
   */
  loadCategory(id: unknown): Promise<EcomCategory | null>;
}

export function createInsightLoader(
  loaders: RequestLoaders,
  now: Date,
  catalog?: CategoryCatalog,
): InsightLoader {
  const insightOf = ({ key, value, fetchedAt }: Loaded<InsightKey, InsightInfo>) => {
    const insight = toCategoryInsight(key, value, fetchedAt);
    catalog?.remember(insight.categoryPath);
    return insight;
  };
  return {
    load: (args) => loaders.load(insightSource, { ...args }).then(insightOf),
    loadId: async (id) => loaders.loadKey(insightSource, parseInsightKeyId(id, now)).then(insightOf),
    loadCategory: async (id) => {
      const categoryId = parseCategoryId(id);
      const known = catalog?.get(categoryId);
      if (known) return known;
      const args = { id: categoryId, region: ALL_REGIONS, timeScope: DEFAULT_TIME_SCOPE };
      const insight = await loaders.load(insightSource, args).then(insightOf);
      return insight.categoryPath.find((category) => category.id === categoryId) ?? null;
    },
  };
}
