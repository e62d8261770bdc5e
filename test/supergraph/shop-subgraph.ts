import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { type Listening, listen } from '../helpers/listen.js';

/**
 * A second subgraph, as another team would write it: a shop's products, each filed under a
 * TikTok Shop category, with a featured post and the category's trend in the shop's market.
 * It knows only the keys of the insights subgraph's entities. The SDL is docker-compose's.
 */
const SHOP_TYPE_DEFS = readFileSync('deploy/compose/shop.graphql', 'utf8');

/** The insights subgraph exactly as deployed: schema.graphql is what a schema registry receives. */
export const INSIGHTS_SDL = readFileSync('schema.graphql', 'utf8');

/** The supergraph of the insights subgraph and the shop's, each at its URL. */
export function composeWithShop(urls: { insights: string; shop: string }): string {
  const composed = composeServices([
    { name: 'insights', typeDefs: parse(INSIGHTS_SDL), url: urls.insights },
    { name: 'shop', typeDefs: parse(SHOP_TYPE_DEFS), url: urls.shop },
  ]);
  if (compositionHasErrors(composed)) throw new Error(composed.errors.map(String).join('\n'));
  return composed.supergraphSdl;
}

interface Product {
  id: string;
  name: string;
  priceCents: number;
  categoryId: string;
  market: string;
  featuredPostId: string | null;
}

/** Two products share Perfume in the US, so the router sends that category and trend once. */
export const PRODUCTS: readonly Product[] = [
  {
    id: 'p1',
    name: 'Midnight Oud Eau de Parfum',
    priceCents: 8900,
    categoryId: '601583',
    market: 'US',
    featuredPostId: '7350810998023949599',
  },
  {
    id: 'p2',
    name: 'Rose Mist Body Spray',
    priceCents: 1900,
    categoryId: '601583',
    market: 'US',
    featuredPostId: null,
  },
  {
    id: 'p3',
    name: 'Velvet Matte Lipstick',
    priceCents: 2400,
    categoryId: '601584',
    market: 'US',
    featuredPostId: '7350810998023949600',
  },
  {
    id: 'p4',
    name: 'Clear Case for Phone 15',
    priceCents: 1500,
    categoryId: '601755',
    market: 'GB',
    featuredPostId: null,
  },
];

const schema = buildSubgraphSchema({
  typeDefs: parse(SHOP_TYPE_DEFS),
  resolvers: {
    Query: { products: () => PRODUCTS },
    Product: {
      __resolveReference: (reference: { id: string }) => PRODUCTS.find(({ id }) => id === reference.id),
      category: (product: Product) => ({ id: product.categoryId }),
      featuredPost: (product: Product) => (product.featuredPostId ? { id: product.featuredPostId } : null),
      trend: (product: Product) => ({
        categoryId: product.categoryId,
        region: product.market,
        timeScope: '7',
      }),
    },
  },
});

/** The shop subgraph on a loopback port. */
export function startShopSubgraph(): Promise<Listening> {
  return listen(createYoga({ schema, logging: false }));
}
