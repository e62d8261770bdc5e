import { Client, fetchExchange, gql } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { getIntrospectionQuery } from 'graphql';

const url = process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql';

// The card a dashboard shows for one category (operations/insight-card.graphql).
const INSIGHT_CARD = gql`
  query InsightCard($id: ID!, $region: Region, $timeScope: TimeScope) {
    categoryInsight(id: $id, region: $region, timeScope: $timeScope) {
      id
      categoryId
      region
      timeScope
      title
      coverUrl
      ecomType
      category {
        id
        name
        label
        level
      }
      categoryPath {
        id
        name
        level
      }
      audienceAges {
        ageLevel
        ageRange
        score
      }
      audienceInterests {
        name
        score
      }
      hashtags
      fetchedAt
      posts(first: 5) {
        totalCount
        nodes {
          id
          createdAt
          url
        }
      }
    }
  }
`;

// One category KeyAPI knows and one it does not: only the second item fails.
const TWO_CATEGORIES = gql`
  query TwoCategories {
    categoryInsights(ids: ["601583", "999999"]) {
      id
      title
    }
  }
`;

// Graphcache needs the schema to know that a list item may be null: without it, the failed item of
// categoryInsights would make the whole list a cache miss. An app generates this at build time
// (@graphql-codegen/urql-introspection); fetching it keeps this example free of a build step.
const introspection = await new Client({ url, exchanges: [fetchExchange], preferGetMethod: false })
  .query(getIntrospectionQuery(), {})
  .toPromise();
errorCodes(introspection.error);

// Graphcache normalizes by __typename + id; these types have no id and belong to their parent.
const embedded = () => null;
const client = new Client({
  url,
  // urql sends queries as GET: the gateway's CSRF prevention wants a preflight header on them.
  fetchOptions: { headers: { 'graphql-preflight': '1' } },
  exchanges: [
    cacheExchange({
      schema: introspection.data,
      keys: {
        AudienceAge: embedded,
        AudienceInterest: embedded,
        PostConnection: embedded,
        PostEdge: embedded,
        PageInfo: embedded,
      },
    }),
    fetchExchange,
  ],
});

const card = await client.query(INSIGHT_CARD, { id: '601583', region: 'US', timeScope: '7' }).toPromise();
const cardCodes = errorCodes(card.error);
console.log('InsightCard title:', card.data?.categoryInsight?.title);
console.log('InsightCard error codes:', cardCodes);

const pair = await client.query(TWO_CATEGORIES, {}).toPromise();
const pairCodes = errorCodes(pair.error);
console.log('categoryInsights:', JSON.stringify(pair.data?.categoryInsights));
console.log('categoryInsights error codes:', pairCodes);

/** `path: code` of each GraphQL error; a network error (the gateway unreachable, say) is fatal. */
function errorCodes(error) {
  if (!error) return [];
  if (error.networkError) {
    console.error(`Cannot query ${url}: ${error.networkError.message}`);
    process.exit(1);
  }
  return error.graphQLErrors.map((e) => `${e.path?.join('.')}: ${e.extensions?.code}`);
}
