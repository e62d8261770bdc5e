import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InsightCardDocument } from './gql/graphql.js';
import { type Listening, listen } from './helpers/listen.js';
import { startTestGateway, type TestGateway } from './helpers/test-gateway.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface SentRequest {
  method: string;
  hasQuery: boolean;
  hash: string | undefined;
}

describe('automatic persisted queries', () => {
  let harness: TestGateway;
  let http: Listening;
  let sent: SentRequest[];

  beforeAll(async () => {
    harness = await startTestGateway();
    http = await listen(harness.gateway);
  });
  beforeEach(() => {
    harness.upstream.reset();
    sent = [];
  });
  afterAll(async () => {
    await http?.close();
    await harness?.close();
  });

  /** A fresh Apollo Client, as on a new page load, whose requests are recorded as they go out. */
  function newClient(options: { useGETForHashedQueries?: boolean } = {}) {
    const recordingFetch: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
      const extensions = body?.extensions ?? JSON.parse(url.searchParams.get('extensions') ?? '{}');
      sent.push({
        method: init?.method ?? 'GET',
        hasQuery: Boolean(body?.query ?? url.searchParams.get('query')),
        hash: extensions.persistedQuery?.sha256Hash,
      });
      return fetch(input, init);
    };
    const link = new PersistedQueryLink({ sha256, ...options }).concat(
      new HttpLink({ uri: `${http.url}/graphql`, fetch: recordingFetch }),
    );
    return new ApolloClient({ link, cache: new InMemoryCache() });
  }

  it("registers a document on first use and then runs it from its hash alone (Apollo's link)", async () => {
    const first = await newClient().query({
      query: InsightCardDocument,
      variables: { id: '601583', region: 'US', timeScope: '7' },
    });
    const second = await newClient().query({
      query: InsightCardDocument,
      variables: { id: '601584', region: 'US', timeScope: '7' },
    });

    expect(first.data?.categoryInsight?.title).toBe('Perfume');
    expect(second.data?.categoryInsight?.title).toBe('Lipstick & Lip Gloss');
    const hash = sent[0]?.hash;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sent).toEqual([
      { method: 'POST', hasQuery: false, hash },
      { method: 'POST', hasQuery: true, hash },
      { method: 'POST', hasQuery: false, hash },
    ]);
    expect(harness.upstream.calls.map((call) => call.id)).toEqual(['601583', '601584']);
  });

  it('runs a registered document by hash over GET, which HTTP caches can keep', async () => {
    await newClient().query({ query: InsightCardDocument, variables: { id: '601459' } });
    sent = [];

    const result = await newClient({ useGETForHashedQueries: true }).query({
      query: InsightCardDocument,
      variables: { id: '601170' },
    });

    expect(result.data?.categoryInsight?.title).toBe('T-shirts');
    expect(sent).toEqual([{ method: 'GET', hasQuery: false, hash: expect.any(String) }]);
  });

  it('answers an unknown hash with 404 PERSISTED_QUERY_NOT_FOUND and no upstream call', async () => {
    const response = await harness.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ nope }') } },
      }),
    });
    const body = (await response.json()) as {
      errors: Array<{ message: string; extensions: { code: string } }>;
    };

    expect(response.status).toBe(404);
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'PersistedQueryNotFound',
        extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_FOUND' }),
      }),
    ]);
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('refuses to register a document under a hash that is not its own', async () => {
    const query = '{ categoryInsight(id: "601583") { id } }';
    const response = await harness.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({
        query,
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ somethingElse }') } },
      }),
    });
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };

    expect(response.status).toBe(400);
    expect(body.errors.map((error) => error.extensions.code)).toEqual(['PERSISTED_QUERY_MISMATCH']);
    expect(harness.upstream.calls).toHaveLength(0);
  });
});
