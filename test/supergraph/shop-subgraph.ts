import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { type Listening, listen } from '../helpers/listen.js';

/**
 * A second subgraph, as another team would write it: a shop's products, each filed under a
 * TikTok Shop category, with a featured post and the category's trend in the shop's market.
 * It knows only the keys of the insights subgraph's entities.
 */
export const SHOP_TYPE_DEFS = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  scalar Region
  scalar TimeScope

  type Query {
    "Everything the shop sells."
    products: [Product!]!
  }

  "A product the shop sells."
  type Product @key(fields: "id") {
    id: ID!
    name: String!
    priceCents: Int!
    "Its TikTok Shop category, resolved by the insights subgraph."
    category: EcomCategory!
    "The TikTok post the shop links from the product page."
    featuredPost: Post
    "Its category over the past week in the shop's market, resolved by the insights subgraph."
    trend: CategoryInsight
  }

  type EcomCategory @key(fields: "id", resolvable: false) {
    id: ID!
  }

  type Post @key(fields: "id", resolvable: false) {
    id: ID!
  }

  type CategoryInsight @key(fields: "categoryId region timeScope", resolvable: false) {
    categoryId: ID!
    region: Region!
    timeScope: TimeScope!
  }
`;

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
