import { type InsightKey, insightKeyId, toInsightKey } from '../domain/insight-key.js';
import { ALL_REGIONS } from '../domain/region.js';
import { DEFAULT_TIME_SCOPE } from '../domain/time-scope.js';
import {
  type InsightDetailParams,
  type InsightInfo,
  insightDetail,
} from '../upstream/endpoints/insight-detail.js';
import { freshForScope } from './cache/freshness.js';
import type { Source } from './source.js';

/** A category's insight in a region over a time scope: the gateway's first paid source. */
export const insightSource: Source<InsightKey, InsightDetailParams, InsightInfo> = {
  name: 'insight-detail',
  // Absent or null region and scope take KeyAPI's defaults, for every path to an insight alike.
  keyOf: (args, now) =>
    toInsightKey(
      { id: args.id, region: args.region ?? ALL_REGIONS, timeScope: args.timeScope ?? DEFAULT_TIME_SCOPE },
      now,
    ),
  keyId: insightKeyId,
  freshForMs: (key, policy) => freshForScope(key.timeScope, policy),
  endpoint: insightDetail,
  params: (key) => ({ id: key.categoryId, region: key.region, timeScope: key.timeScope }),
};
