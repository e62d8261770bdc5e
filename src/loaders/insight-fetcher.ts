import pLimit from 'p-limit';
import { type CategoryInsight, toCategoryInsight } from '../domain/category-insight.js';
import type { InsightKey } from '../domain/insight-key.js';
import type { InsightClient } from '../upstream/insight-client.js';

/** Fetches one insight from the upstream; shared by every request of the process. */
export type InsightFetcher = (key: InsightKey) => Promise<CategoryInsight>;

export interface InsightFetcherOptions {
  client: InsightClient;
  /** Upstream calls in flight at once across all requests; the rest queue. */
  maxConcurrency: number;
  clock: () => Date;
}

export function createInsightFetcher({
  client,
  maxConcurrency,
  clock,
}: InsightFetcherOptions): InsightFetcher {
  const limit = pLimit(maxConcurrency);
  return (key) =>
    limit(async () => {
      const info = await client.fetchInsight({
        id: key.categoryId,
        region: key.region,
        timeScope: key.timeScope,
      });
      return toCategoryInsight(key, info, clock());
    });
}
