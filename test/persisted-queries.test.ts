import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InsightCardDocument } from '../operations/gql/graphql.js';
import { useAutomaticPersistedQueries } from '../src/server/plugins/automatic-persisted-queries.js';
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

/** POSTs an APQ request: the hash, and the document too when `query` is given. */
async function sendPersisted(
  fetchFn: (url: string, init: RequestInit) => Promise<Response> | Response,
  hash: string,
  query?: string,
) {
  const response = await fetchFn('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: Array<{ extensions?: { code?: string } }>;
  };
  return {
    status: response.status,
    codes: body.errors?.map((error) => error.extensions?.code),
    data: body.data,
  };
}

describe('automatic persisted queries, against registrations of junk', () => {
  let harness: TestGateway;
  beforeAll(async () => {
    harness = await startTestGateway();
  });
  afterAll(async () => {
    await harness?.close();
  });
  const send = (hash: string, query?: string) =>
    sendPersisted((url, init) => harness.gateway.fetch(url, init), hash, query);

  it('remembers no text that does not parse as GraphQL, and keeps the documents it has', async () => {
    const valid = 'query Kept { categoryInsight(id: "601583") { id } }';
    expect((await send(sha256(valid), valid)).status).toBe(200);
    const junk = Array.from({ length: 1_000 }, (_, index) => `not GraphQL ${index} ${'x'.repeat(1_000)} {`);

    const registrations = [];
    for (const text of junk) registrations.push(await send(sha256(text), text));
    const replays = [];
    for (const text of junk) replays.push(await send(sha256(text)));

    expect(new Set(registrations.map(({ status, codes }) => `${status} ${codes}`))).toEqual(
      new Set(['400 GRAPHQL_PARSE_FAILED']),
    );
    expect(
      replays.filter(({ status, codes }) => status === 404 && codes?.[0] === 'PERSISTED_QUERY_NOT_FOUND'),
    ).toHaveLength(1_000);
    expect(await send(sha256(valid))).toMatchObject({
      status: 200,
      data: { categoryInsight: { id: expect.any(String) } },
    });
  });
});

describe('the automatic persisted query store', () => {
  const schema = createSchema({ typeDefs: 'type Query { a: Int }', resolvers: { Query: { a: () => 1 } } });
  /** A named document padded to `bytes` with a comment, so sizes are exact. */
  const documentOf = (name: string, bytes: number) => {
    const operation = `query ${name} { a }`;
    return `#${'x'.repeat(bytes - operation.length - 2)}\n${operation}`;
  };
  const yogaWith = (options: Parameters<typeof useAutomaticPersistedQueries>[0]) => {
    const yoga = createYoga({ schema, plugins: [useAutomaticPersistedQueries(options)] });
    return (hash: string, query?: string) => sendPersisted((url, init) => yoga.fetch(url, init), hash, query);
  };

  it('forgets the least recently used document once the bytes are spent', async () => {
    const [a, b, c, d] = ['A', 'B', 'C', 'D'].map((name) => documentOf(name, 200)) as [
      string,
      string,
      string,
      string,
    ];
    // Room for three documents of 200 bytes with their 64-character hashes.
    const send = yogaWith({ maxBytes: 3 * 264 });
    for (const document of [a, b, c]) expect((await send(sha256(document), document)).status).toBe(200);
    expect((await send(sha256(a))).status).toBe(200);

    expect((await send(sha256(d), d)).status).toBe(200);

    const replayed = async (document: string) => (await send(sha256(document))).status;
    expect({
      a: await replayed(a),
      b: await replayed(b),
      c: await replayed(c),
      d: await replayed(d),
    }).toEqual({
      a: 200,
      b: 404,
      c: 200,
      d: 200,
    });
  });

  it('runs a document over the per-document cap but never remembers it', async () => {
    const send = yogaWith({ maxDocumentBytes: 100 });
    const small = documentOf('Small', 100);
    const large = documentOf('Large', 101);

    expect(await send(sha256(large), large)).toMatchObject({ status: 200, data: { a: 1 } });
    expect((await send(sha256(small), small)).status).toBe(200);

    expect((await send(sha256(large))).codes).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(await send(sha256(small))).toMatchObject({ status: 200, data: { a: 1 } });
  });
});
