import DataLoader from 'dataloader';
import type { CategoryInsight } from '../domain/category-insight.js';
import { type InsightKey, insightKeyId, toInsightKey } from '../domain/insight-key.js';
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
}

export function createInsightLoader(fetcher: InsightFetcher, now: Date, cost: RequestCost): InsightLoader {
  const loader = new DataLoader<InsightKey, CategoryInsight, string>(
    // Distinct keys of one tick go out together; failures stay per key so siblings keep their data.
    async (keys) => Promise.all(keys.map((key) => fetcher.fetch(key, cost).catch(asError))),
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
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
