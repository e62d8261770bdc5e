import { readFileSync } from 'node:fs';
import { Client, fetchExchange, gql } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { getIntrospectionQuery } from 'graphql';

const url = process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql';

// The dashboard's own documents, kept in .graphql files as an app keeps them.
const operation = (name) =>
  gql(readFileSync(new URL(`../../operations/${name}.graphql`, import.meta.url), 'utf8'));
const INSIGHT_CARD = operation('insight-card');
const TWO_CATEGORIES = operation('two-categories');

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
