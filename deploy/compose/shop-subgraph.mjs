/**
 * A sample second subgraph for docker-compose.yml: a shop's products, each filed under a TikTok
 * Shop category the insights subgraph resolves. `node deploy/compose/shop-subgraph.mjs`, on PORT
 * (default 4000); GraphQL at /graphql, yoga's health check at /health.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';

const PRODUCTS = [
  {
    id: 'p1',
    name: 'Midnight Oud Eau de Parfum',
    priceCents: 8900,
    categoryId: '601583',
    market: 'US',
    postId: '7350810998023949599',
  },
  {
    id: 'p2',
    name: 'Velvet Matte Lipstick',
    priceCents: 2400,
    categoryId: '601584',
    market: 'US',
    postId: null,
  },
  {
    id: 'p3',
    name: 'Clear Case for Phone 15',
    priceCents: 1500,
    categoryId: '601755',
    market: 'GB',
    postId: null,
  },
];

const schema = buildSubgraphSchema({
  typeDefs: parse(readFileSync(new URL('./shop.graphql', import.meta.url), 'utf8')),
  resolvers: {
    Query: { products: () => PRODUCTS },
    Product: {
      __resolveReference: (reference) => PRODUCTS.find(({ id }) => id === reference.id),
      category: (product) => ({ id: product.categoryId }),
      featuredPost: (product) => (product.postId ? { id: product.postId } : null),
      trend: (product) => ({ categoryId: product.categoryId, region: product.market, timeScope: '7' }),
    },
  },
});

const server = createServer(createYoga({ schema, logging: false }));
server.listen(Number(process.env.PORT ?? 4000), () => {
  console.log(`Shop subgraph at http://localhost:${server.address().port}/graphql`);
});
// PID 1 in its container: without a handler, SIGTERM would be ignored until Docker's SIGKILL.
process.on('SIGTERM', () => process.exit(0));
