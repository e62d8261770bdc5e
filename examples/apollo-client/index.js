import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApolloClient, CombinedGraphQLErrors, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';

const url = process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql';

// The dashboard's own documents, kept in .graphql files as an app keeps them.
const operation = (name) =>
  gql(readFileSync(new URL(`../../operations/${name}.graphql`, import.meta.url), 'utf8'));
const INSIGHT_CARD = operation('insight-card');
const TWO_CATEGORIES = operation('two-categories');

const client = new ApolloClient({
  // Automatic persisted queries: after the first request, only a hash of the document is sent.
  link: new PersistedQueryLink({
    sha256: (text) => createHash('sha256').update(text).digest('hex'),
  }).concat(new HttpLink({ uri: url })),
  cache: new InMemoryCache(),
});

const card = await client.query({
  query: INSIGHT_CARD,
  variables: { id: '601583', region: 'US', timeScope: '7' },
  errorPolicy: 'all', // keep the fields that worked when another one fails
});
const cardCodes = errorCodes(card.error);
console.log('InsightCard title:', card.data?.categoryInsight?.title);
console.log('InsightCard error codes:', cardCodes);

const pair = await client.query({ query: TWO_CATEGORIES, errorPolicy: 'all' });
const pairCodes = errorCodes(pair.error);
console.log('categoryInsights:', JSON.stringify(pair.data?.categoryInsights));
console.log('categoryInsights error codes:', pairCodes);

/** `path: code` of each GraphQL error; anything else (the gateway unreachable, say) is fatal. */
function errorCodes(error) {
  if (!error) return [];
  if (!CombinedGraphQLErrors.is(error)) {
    console.error(`Cannot query ${url}: ${error.message}`);
    process.exit(1);
  }
  return error.errors.map((e) => `${e.path?.join('.')}: ${e.extensions?.code}`);
}
