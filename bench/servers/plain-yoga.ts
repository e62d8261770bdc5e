/**
 * The stock stack: graphql-yoga with defaults and the same schema, resolving the same insight
 * from a Map in memory. No cache layers, budgets or limits: what a plain yoga server costs.
 */
import { createServer } from 'node:http';
import { createYoga } from 'graphql-yoga';
import { CATALOG } from '../../src/demo-upstream/catalog.js';
import { syntheticInsight } from '../../src/demo-upstream/synthetic-insight.js';
import { type CategoryInsight, toCategoryInsight } from '../../src/domain/category-insight.js';
import { insightKeyId, toInsightKey } from '../../src/domain/insight-key.js';
import type { InsightLoader } from '../../src/loaders/insight-loader.js';
import { schema } from '../../src/schema/index.js';
import { insightInfoSchema } from '../../src/upstream/envelope.js';

const now = new Date();
const memory = new Map<string, CategoryInsight>();
for (const category of CATALOG.values()) {
  if (category.level !== 3) continue;
  for (const region of ['US', 'all_regions']) {
    for (const timeScope of ['1', '7', '30']) {
      const key = { categoryId: category.id, region, timeScope };
      const info = insightInfoSchema.parse(syntheticInsight(category, region, timeScope, now));
      memory.set(insightKeyId(key), toCategoryInsight(key, info, now));
    }
  }
}

const insights: InsightLoader = {
  load: async (args) => {
    const key = toInsightKey(
      { id: args.id, region: args.region ?? 'all_regions', timeScope: args.timeScope ?? '1' },
      now,
    );
    const insight = memory.get(insightKeyId(key));
    if (!insight) throw new Error('not in memory');
    return insight;
  },
  loadKey: async (key) => memory.get(insightKeyId(key)) as CategoryInsight,
};

const server = createServer(createYoga({ schema, context: () => ({ insights }), logging: false }));
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as { port: number }).port }));
});
