import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import { Client, fetchExchange } from '@urql/core';
import { cacheExchange as normalizedCacheExchange } from '@urql/exchange-graphcache';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CategoryTreeDocument, InsightCardDocument, PostsPageDocument } from '../operations/gql/graphql.js';
import { BrokenAndHealthyDocument, InsightInScopeDocument } from './gql/graphql.js';
import { type Listening, listen } from './helpers/listen.js';
import { startTestGateway, type TestGateway } from './helpers/test-gateway.js';

/** The gateway on a real port, as a browser or a server-side client reaches it. */
function useListeningGateway() {
  const state = {} as { harness: TestGateway; http: Listening; url: string };
  beforeAll(async () => {
    state.harness = await startTestGateway();
    state.http = await listen(state.harness.gateway);
    state.url = `${state.http.url}/graphql`;
  });
  beforeEach(() => state.harness.upstream.reset());
  afterAll(async () => {
    await state.http?.close();
    await state.harness?.close();
  });
  return state;
}

describe('Apollo Client', () => {
  const gateway = useListeningGateway();
  const newClient = () => {
    const cache = new InMemoryCache();
    return { client: new ApolloClient({ link: new HttpLink({ uri: gateway.url }), cache }), cache };
  };

  it('runs the dashboard insight card with variables', async () => {
    const { client } = newClient();

    const { data } = await client.query({
      query: InsightCardDocument,
      variables: { id: '601583', region: 'us', timeScope: '7' },
    });

    expect(data?.categoryInsight).toMatchObject({
      id: '601583:US:7',
      region: 'US',
      timeScope: '7',
      title: 'Perfume',
      category: { id: '601583', name: 'Perfume', level: 3 },
      posts: { totalCount: expect.any(Number) },
    });
    expect(data?.categoryInsight?.audienceAges.map((age) => age.ageRange)).toEqual([
      '18-24',
      '25-34',
      '35-44',
      '45-54',
      '55+',
    ]);
    expect(gateway.harness.upstream.calls).toHaveLength(1);
  });

  it('keeps two time scopes of one category apart in its normalized cache, then answers from it', async () => {
    const { client, cache } = newClient();
    const ask = (timeScope: string) =>
      client.query({ query: InsightInScopeDocument, variables: { id: '601584', region: 'GB', timeScope } });

    const week = await ask('7');
    const month = await ask('30');
    const weekAgain = await ask('7');

    expect(week.data?.categoryInsight).toEqual({
      __typename: 'CategoryInsight',
      id: '601584:GB:7',
      region: 'GB',
      timeScope: '7',
    });
    expect(month.data?.categoryInsight?.timeScope).toBe('30');
    expect(weekAgain.data).toEqual(week.data);
    const entries = Object.keys(cache.extract()).filter((key) => key.startsWith('CategoryInsight:'));
    expect(entries.sort()).toEqual(['CategoryInsight:601584:GB:30', 'CategoryInsight:601584:GB:7']);
    expect(gateway.harness.upstream.calls).toHaveLength(2);
  });

  it('shares one normalized EcomCategory between the insight card and the category tree', async () => {
    const { client, cache } = newClient();
    await client.query({ query: CategoryTreeDocument, variables: { id: '601459' } });

    const tree = client.readQuery({ query: CategoryTreeDocument, variables: { id: '601459' } });

    expect(tree?.categoryInsight?.category?.path.map((category) => category.name)).toEqual([
      'Beauty & Personal Care',
      'Skincare',
      'Facial Cleansers',
    ]);
    expect(cache.extract()['EcomCategory:601451']).toMatchObject({ name: 'Skincare', level: 2 });
    expect(gateway.harness.upstream.calls).toHaveLength(1);
  });

  it('pages through posts with the endCursor of the previous page', async () => {
    const { client } = newClient();
    const first = await client.query({ query: PostsPageDocument, variables: { id: '601170', first: 2 } });
    const after = first.data?.categoryInsight?.posts.pageInfo.endCursor;
    const second = await client.query({
      query: PostsPageDocument,
      variables: { id: '601170', first: 2, after },
    });

    const firstIds = first.data?.categoryInsight?.posts.edges.map((edge) => edge.node.id) ?? [];
    const secondIds = second.data?.categoryInsight?.posts.edges.map((edge) => edge.node.id) ?? [];
    expect(firstIds).toHaveLength(2);
    expect(secondIds).toHaveLength(2);
    expect(secondIds.some((id) => firstIds.includes(id))).toBe(false);
    expect(second.data?.categoryInsight?.posts.pageInfo.hasPreviousPage).toBe(true);
    // Paging slices the post list of one answer: it never asks KeyAPI for another key.
    expect(new Set(gateway.harness.upstream.calls.map((call) => `${call.id}:${call.timeScope}`))).toEqual(
      new Set(['601170:1']),
    );
  });

  it('returns partial data and errors carrying extensions.code with errorPolicy "all"', async () => {
    gateway.harness.upstream.setFault('601590', { kind: 'status', status: 402 });
    const { client } = newClient();

    const result = await client.query({
      query: BrokenAndHealthyDocument,
      variables: { brokenId: '601590', healthyId: '601465' },
      errorPolicy: 'all',
    });

    expect(result.data?.broken).toBeNull();
    expect(result.data?.healthy).toMatchObject({ id: '601465:all_regions:1', title: 'Serums & Essences' });
    expect(CombinedGraphQLErrors.is(result.error)).toBe(true);
    const errors = CombinedGraphQLErrors.is(result.error) ? result.error.errors : [];
    expect(errors.map((error) => [error.path, error.extensions?.code])).toEqual([
      [['broken'], 'UPSTREAM_QUOTA_EXCEEDED'],
    ]);
  });

  it('rejects with the error code under the default errorPolicy, before any upstream call for bad input', async () => {
    const { client } = newClient();

    const failure = await client
      .query({ query: InsightInScopeDocument, variables: { id: '601583', timeScope: '2099-01' } })
      .then(
        () => undefined,
        (error: unknown) => error,
      );

    expect(CombinedGraphQLErrors.is(failure)).toBe(true);
    expect(CombinedGraphQLErrors.is(failure) && failure.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(gateway.harness.upstream.calls).toHaveLength(0);
  });
});

describe('urql', () => {
  const gateway = useListeningGateway();
  // Graphcache is urql's normalized cache: entities keyed by __typename and id, as in Apollo. Types
  // without an id are values that belong to their parent, which it wants said explicitly.
  const embedded = () => null;
  const newClient = () =>
    new Client({
      url: gateway.url,
      // urql sends queries as GET; CSRF prevention asks a GET to prove it is not a cross-site
      // request with a header no plain <img> or form could send.
      fetchOptions: { headers: { 'graphql-preflight': '1' } },
      exchanges: [
        normalizedCacheExchange({
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

  it('runs the dashboard insight card with variables', async () => {
    const result = await newClient()
      .query(InsightCardDocument, { id: '601755', region: 'GB', timeScope: '30' })
      .toPromise();

    expect(result.error).toBeUndefined();
    expect(result.data?.categoryInsight).toMatchObject({
      id: '601755:GB:30',
      title: 'Phone Cases',
      categoryPath: [
        { name: 'Phones & Electronics' },
        { name: 'Phone Accessories' },
        { name: 'Phone Cases' },
      ],
    });
    expect(gateway.harness.upstream.calls).toHaveLength(1);
  });

  it('keeps two time scopes of one category apart in its normalized cache, then answers from it', async () => {
    const client = newClient();
    const ask = (timeScope: string, requestPolicy: 'cache-first' | 'cache-only' = 'cache-first') =>
      client
        .query(InsightInScopeDocument, { id: '603030', region: 'US', timeScope }, { requestPolicy })
        .toPromise();

    const week = await ask('7');
    const month = await ask('30');
    const weekFromCache = await ask('7', 'cache-only');
    const monthFromCache = await ask('30', 'cache-only');

    expect(week.data?.categoryInsight?.id).toBe('603030:US:7');
    expect(month.data?.categoryInsight?.id).toBe('603030:US:30');
    expect(weekFromCache.data?.categoryInsight).toEqual(week.data?.categoryInsight);
    expect(monthFromCache.data?.categoryInsight?.timeScope).toBe('30');
    expect(gateway.harness.upstream.calls).toHaveLength(2);
  });

  it('returns partial data with errors carrying extensions.code', async () => {
    gateway.harness.upstream.setFault('601171', { kind: 'status', status: 429, retryAfter: '12' });

    const result = await newClient()
      .query(BrokenAndHealthyDocument, { brokenId: '601171', healthyId: '601196' })
      .toPromise();

    expect(result.data?.broken).toBeNull();
    expect(result.data?.healthy?.title).toBe('Party Dresses');
    expect(
      result.error?.graphQLErrors.map((error) => [
        error.path,
        error.extensions.code,
        error.extensions.retryAfterSeconds,
      ]),
    ).toEqual([[['broken'], 'UPSTREAM_RATE_LIMITED', 12]]);
  });

  it('reports invalid variables as BAD_USER_INPUT without an upstream call', async () => {
    const result = await newClient()
      .query(InsightInScopeDocument, { id: '601583', region: 'Atlantis' })
      .toPromise();

    expect(result.data?.categoryInsight ?? null).toBeNull();
    expect(result.error?.graphQLErrors.map((error) => error.extensions.code)).toEqual(['BAD_USER_INPUT']);
    expect(gateway.harness.upstream.calls).toHaveLength(0);
  });
});
