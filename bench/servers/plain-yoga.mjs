// The stock stack: graphql-yoga with defaults and the same compiled schema, resolving the same
// insight from a Map in memory. No cache layers, budgets or limits: what plain yoga costs.
import { createServer } from 'node:http';
import { createYoga } from 'graphql-yoga';
import { CATALOG } from '../../dist/demo-upstream/catalog.js';
import { syntheticInsight } from '../../dist/demo-upstream/synthetic-insight.js';
import { toCategoryInsight } from '../../dist/domain/category-insight.js';
import { insightKeyId, toInsightKey } from '../../dist/domain/insight-key.js';
import { schema } from '../../dist/schema/index.js';
import { insightInfoSchema } from '../../dist/upstream/endpoints/insight-detail.js';

const now = new Date();
const memory = new Map();
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
const insights = {
  load: async (args) =>
    memory.get(
      insightKeyId(
        toInsightKey(
          { id: args.id, region: args.region ?? 'all_regions', timeScope: args.timeScope ?? '1' },
          now,
        ),
      ),
    ),
  loadKey: async (key) => memory.get(insightKeyId(key)),
};

const server = createServer(createYoga({ schema, context: () => ({ insights }), logging: false }));
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
