import DataLoader from 'dataloader';
import { type CategoryInsight, toCategoryInsight } from '../domain/category-insight.js';
import { assertInsightCategory, type EcomCategory } from '../domain/ecom-category.js';
import { type InsightKey, parseCategoryId, parseInsightKeyId } from '../domain/insight-key.js';
import { ALL_REGIONS } from '../domain/region.js';
import { DEFAULT_TIME_SCOPE } from '../domain/time-scope.js';
import type { InsightInfo } from '../upstream/endpoints/insight-detail.js';
import type { CategoryCatalog } from './category-catalog.js';
import { insightSource } from './insight-source.js';
import { asError, type Loaded, type RequestLoaders } from './request-loaders.js';

/** The arguments every path to an insight carries; absent or null region/scope take the defaults. */
export interface InsightArgs {
  id: unknown;
  region?: unknown;
  timeScope?: unknown;
}

/**
 * Every path to an insight (root fields, list items, nested `EcomCategory.insight`, federation
 * references) comes through here, onto the request's loader for the insight source; and every
 * category looked up by ID, which is paid for only when nothing known answers it.
 */
export interface InsightLoader {
  /** Validates and normalizes, then loads; invalid arguments reject before any upstream call. */
  load(args: InsightArgs): Promise<CategoryInsight>;
  /** By public `CategoryInsight.id` ("categoryId:region:timeScope"), validated like arguments. */
  loadId(id: string): Promise<CategoryInsight>;
  /**
   * A category by ID: from the catalog (this instance's, then the fleet's), else from an insight
   * of that category this request loads anyway, else from its own insight (all regions, 1 day).
   */
  category(id: unknown): Promise<EcomCategory>;
}

export function createInsightLoader(
  loaders: RequestLoaders,
  now: Date,
  catalog: CategoryCatalog,
): InsightLoader {
  /** The insights this request asked for, by category: whichever answers first names the category. */
  const byCategory = new Map<string, Promise<CategoryInsight>>();
  const insightOf = ({ key, value, fetchedAt }: Loaded<InsightKey, InsightInfo>) => {
    const insight = toCategoryInsight(key, value, fetchedAt);
    catalog.remember(insight.categoryPath);
    return insight;
  };
  /** Each key's insight, converted once however many fields ask for it. */
  const insights = new Map<string, Promise<CategoryInsight>>();
  const loadKey = (key: InsightKey) => {
    assertInsightCategory(catalog.get(key.categoryId));
    const id = insightSource.keyId(key);
    let insight = insights.get(id);
    if (!insight) {
      insight = loaders.loadKey(insightSource, key).then(insightOf);
      insights.set(id, insight);
    }
    if (!byCategory.has(key.categoryId)) byCategory.set(key.categoryId, insight);
    return insight;
  };
  const named = (insight: CategoryInsight | undefined, categoryId: string) =>
    insight?.categoryPath.find((category) => category.id === categoryId);
  /** Cheapest first: this instance's catalog, an insight this request loads anyway, the fleet's catalog, a call. */
  const described = async (categoryId: string) => {
    const known =
      catalog.get(categoryId) ??
      named(await byCategory.get(categoryId)?.catch(() => undefined), categoryId) ??
      (await catalog.find(categoryId));
    if (known) return known;
    const own = await loadKey({ categoryId, region: ALL_REGIONS, timeScope: DEFAULT_TIME_SCOPE });
    const category = named(own, categoryId);
    if (!category) throw new Error(`KeyAPI's answer for ${categoryId} does not name it`);
    return category;
  };
  // Batched after the fields beside a reference asked for their insights, so those can name it.
  const categories = new DataLoader<string, EcomCategory>(async (ids) =>
    Promise.all(ids.map((id) => described(id).catch(asError))),
  );
  return {
    load: async (args) => loadKey(insightSource.keyOf({ ...args }, now)),
    loadId: async (id) => loadKey(parseInsightKeyId(id, now)),
    category: async (id) => categories.load(parseCategoryId(id)),
  };
}
