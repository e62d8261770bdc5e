// The peer a user would pick instead: Apollo Server 5's standalone server with a
// RESTDataSource calling the same stand-in, over the gateway's own SDL (schema.graphql, as a
// federation subgraph like the gateway). The data source is made per request, as Apollo's docs
// make it, so with a new key every request neither its deduplication nor its HTTP cache (the
// stand-in sends no cache headers) ever answers. KeyAPI's `data.info` is mapped by the
// gateway's own domain functions, so both serve the same data for the same key.
import { readFileSync } from 'node:fs';
import { RESTDataSource } from '@apollo/datasource-rest';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, GraphQLScalarType, parse } from 'graphql';
import { toCategoryInsight } from '../../dist/domain/category-insight.js';
import { categoryPath } from '../../dist/domain/ecom-category.js';
import { toInsightKey } from '../../dist/domain/insight-key.js';
import { paginatePosts } from '../../dist/domain/post.js';
import { parseRegion } from '../../dist/domain/region.js';
import { parseTimeScope } from '../../dist/domain/time-scope.js';

class KeyApi extends RESTDataSource {
  baseURL = process.env.UPSTREAM_URL.endsWith('/')
    ? process.env.UPSTREAM_URL
    : `${process.env.UPSTREAM_URL}/`;

  willSendRequest(_path, request) {
    request.headers.authorization = 'Bearer bench-key';
  }

  async insight(args) {
    const key = toInsightKey(
      { id: args.id, region: args.region ?? 'all_regions', timeScope: args.timeScope ?? '1' },
      new Date(),
    );
    const envelope = await this.get('v1/tiktok/insights/product/detail', {
      params: { time_scope: key.timeScope, region: key.region, id: key.categoryId },
    });
    if (envelope.code !== 0)
      throw new GraphQLError('KeyAPI answered with an error', { extensions: { code: 'UPSTREAM_ERROR' } });
    const info = envelope.data.info;
    return toCategoryInsight(
      key,
      {
        ...info,
        audience_ages: info.audience_ages ?? [],
        hashtags: info.hashtags ?? [],
        posts: info.posts ?? [],
      },
      new Date(),
    );
  }
}

const scalar = (name, parseInput) =>
  new GraphQLScalarType({
    name,
    serialize: (value) => value,
    parseValue: parseInput,
    parseLiteral: (node) => parseInput(node.value),
  });

const resolvers = {
  Region: scalar('Region', (value) => parseRegion(value, 'Region')),
  TimeScope: scalar('TimeScope', (value) => parseTimeScope(value, 'TimeScope')),
  DateTime: new GraphQLScalarType({ name: 'DateTime', serialize: (value) => value.toISOString() }),
  Query: {
    categoryInsight: (_root, args, { dataSources }) => dataSources.keyApi.insight(args),
    categoryInsights: (_root, { ids, region, timeScope }, { dataSources }) =>
      ids.map((id) => dataSources.keyApi.insight({ id, region, timeScope })),
  },
  CategoryInsight: {
    categoryId: (insight) => insight.key.categoryId,
    region: (insight) => insight.key.region,
    timeScope: (insight) => insight.key.timeScope,
    category: (insight) => insight.categoryPath.at(-1) ?? null,
    posts: (insight, args) => paginatePosts(insight.postIds, args),
  },
  PostConnection: { nodes: (page) => page.edges.map((edge) => edge.node) },
  EcomCategory: { path: (category) => categoryPath(category) },
};

const typeDefs = parse(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));
// Inline tracing is for a federation router's traces; an Apollo server in front of REST has none.
const server = new ApolloServer({
  schema: buildSubgraphSchema({ typeDefs, resolvers }),
  plugins: [ApolloServerPluginInlineTraceDisabled()],
});
const { url } = await startStandaloneServer(server, {
  listen: { port: 0, host: '127.0.0.1' },
  context: async () => ({ dataSources: { keyApi: new KeyApi({ cache: server.cache }) } }),
});
console.log(JSON.stringify({ port: Number(new URL(url).port) }));
