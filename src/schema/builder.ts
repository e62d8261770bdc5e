import SchemaBuilder from '@pothos/core';
import DirectivePlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import type { AudienceAge, AudienceInterest } from '../domain/audience.js';
import type { CategoryInsight } from '../domain/category-insight.js';
import type { EcomCategoryRef } from '../domain/ecom-category.js';
import type { Post, PostPage } from '../domain/post.js';
import type { InsightLoader } from '../loaders/insight-loader.js';
import type { RequestLoaders } from '../loaders/request-loaders.js';

/** What every resolver receives; built fresh for each GraphQL request. */
export interface GatewayContext {
  insights: InsightLoader;
  /** Every paid source's loader for this request, for resolvers of sources beyond insights. */
  loaders: RequestLoaders;
}

type PostEdge = PostPage['edges'][number];

// Types are named here and defined one per file under types/, so files can reference each
// other by name without import cycles.
export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  DefaultFieldNullability: false;
  Scalars: {
    ID: { Input: string; Output: string };
    Region: { Input: string; Output: string };
    TimeScope: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
  };
  Objects: {
    CategoryInsight: CategoryInsight;
    EcomCategory: EcomCategoryRef;
    AudienceAge: AudienceAge;
    AudienceInterest: AudienceInterest;
    Post: Post;
    PostEdge: PostEdge;
    PostConnection: PostPage;
    PageInfo: PostPage['pageInfo'];
  };
}>({
  // Federation needs the directives plugin to carry @key and @link into the schema.
  plugins: [DirectivePlugin, FederationPlugin],
  defaultFieldNullability: false,
});
