// Plain yoga with one GraphiQL implementation, so two can be compared with nothing else in the
// process. GRAPHIQL_MODULE names a plain-JavaScript module exporting `createOfflineGraphiQL`.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { createSchema, createYoga } from 'graphql-yoga';
import { GRAPHIQL_DEFAULT_QUERY } from '../../dist/server/graphiql/default-query.js';

const { createOfflineGraphiQL } = await import(pathToFileURL(process.env.GRAPHIQL_MODULE).href);
const graphiql = createOfflineGraphiQL();
const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } }),
  graphiql: {
    title: 'TikTok Shop Insights GraphQL',
    defaultQuery: GRAPHIQL_DEFAULT_QUERY,
    headers: JSON.stringify({ 'x-graphql-yoga-csrf': '1' }),
  },
  renderGraphiQL: graphiql.render,
  // The in-memory version called its plugin `compression`, the streaming one `assets`.
  plugins: [graphiql.assets ?? graphiql.compression],
});
const server = createServer(yoga);
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
