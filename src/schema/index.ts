import { builder } from './builder.js';
import './scalars/date-time.js';
import './scalars/region.js';
import './scalars/time-scope.js';
import './types/audience-age.js';
import './types/audience-interest.js';
import './types/category-insight.js';
import './types/ecom-category.js';
import './types/page-info.js';
import './types/post.js';
import './types/post-connection.js';
import './types/post-edge.js';

builder.queryType({ description: 'TikTok Shop category insights from KeyAPI, batched and deduplicated.' });

/**
 * A Federation v2 subgraph (`_service`, `_entities`, `@key`) that plain clients and GraphiQL use
 * as an ordinary schema on the same endpoint. Paid fields carry `@cost` in credits (Federation
 * 2.9 demand control), which the pre-check reads too.
 */
export const schema = builder.toSubGraphSchema({
  sortSchema: false,
  linkUrl: 'https://specs.apollo.dev/federation/v2.9',
  federationDirectives: ['@key', '@cost', '@listSize'],
});
