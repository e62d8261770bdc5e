import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import type { DocumentNode } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CategoryTreeDocument,
  InsightCardDocument,
  PostsPageDocument,
  TwoCategoriesDocument,
} from '../operations/gql/graphql.js';
import { parseConfig } from '../src/config/config.js';
import { type Listening, listen } from './helpers/listen.js';
import { startTestGateway, TEST_API_KEY, type TestGateway } from './helpers/test-gateway.js';

const MANIFEST = 'operations/gql/persisted-documents.json';

/** The hash codegen embedded in a dashboard document. */
const hashOf = (document: DocumentNode) =>
  (document as { __meta__?: { hash?: string } }).__meta__?.hash ?? '';

describe('trusted documents mode', () => {
  let harness: TestGateway;
  let http: Listening;
  let requests: number;

  beforeAll(async () => {
    harness = await startTestGateway({ env: { TRUSTED_DOCUMENTS_FILE: MANIFEST } });
    http = await listen(harness.gateway);
  });
  beforeEach(() => {
    harness.upstream.reset();
    requests = 0;
  });
  afterAll(async () => {
    await http?.close();
    await harness?.close();
  });

  const post = async (body: unknown) => {
    const response = await harness.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as {
      data?: unknown;
      errors?: Array<{ extensions: { code: string } }>;
    };
    return {
      status: response.status,
      codes: json.errors?.map((error) => error.extensions.code),
      data: json.data,
    };
  };

  it('runs a dashboard operation that Apollo Client sends by its codegen hash alone', async () => {
    const countingFetch: typeof fetch = (input, init) => {
      requests += 1;
      return fetch(input, init);
    };
    const link = new PersistedQueryLink({ generateHash: hashOf }).concat(
      new HttpLink({ uri: `${http.url}/graphql`, fetch: countingFetch }),
    );
    const client = new ApolloClient({ link, cache: new InMemoryCache() });

    const card = await client.query({
      query: InsightCardDocument,
      variables: { id: '601810', region: 'US' },
    });
    const page = await client.query({ query: PostsPageDocument, variables: { id: '601810', first: 1 } });

    expect(card.data?.categoryInsight).toMatchObject({ id: '601810:US:1', title: 'Earphones' });
    expect(page.data?.categoryInsight?.posts.edges).toHaveLength(1);
    expect(requests).toBe(2);
    expect(harness.upstream.calls.map((call) => `${call.id}:${call.region}`)).toEqual([
      '601810:US',
      '601810:all_regions',
    ]);
  });

  it('refuses any other document before parsing it, and spends nothing', async () => {
    const freeForm = await post({ query: '{ categoryInsight(id: "601583") { id } }' });
    const unknownHash = await post({
      extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } },
    });
    const hashWithAnotherQuery = await post({
      query: '{ categoryInsights(ids: ["601583", "601584"]) { id } }',
      extensions: { persistedQuery: { version: 1, sha256Hash: hashOf(InsightCardDocument) } },
    });

    expect(freeForm).toEqual({ status: 400, codes: ['QUERY_NOT_IN_SAFELIST'], data: undefined });
    expect(unknownHash).toEqual({ status: 400, codes: ['PERSISTED_QUERY_NOT_IN_LIST'], data: undefined });
    expect(hashWithAnotherQuery).toEqual({ status: 400, codes: ['QUERY_NOT_IN_SAFELIST'], data: undefined });
    expect(harness.upstream.calls).toHaveLength(0);
  });
});

describe('TRUSTED_DOCUMENTS_FILE', () => {
  const env = { KEYAPI_API_KEY: TEST_API_KEY };

  it('loads every document of the generated manifest', () => {
    const result = parseConfig({ ...env, TRUSTED_DOCUMENTS_FILE: MANIFEST });

    expect(result.ok && [...(result.config.trustedDocuments?.keys() ?? [])].sort()).toEqual(
      [CategoryTreeDocument, InsightCardDocument, PostsPageDocument, TwoCategoriesDocument]
        .map(hashOf)
        .sort(),
    );
  });

  it('reports a missing or malformed manifest with the other configuration problems', () => {
    const malformed = join(tmpdir(), `manifest-${process.pid}.json`);
    writeFileSync(malformed, JSON.stringify({ 'not-a-hash': 'query { a }' }));

    const missing = parseConfig({ ...env, TRUSTED_DOCUMENTS_FILE: 'nowhere.json', PORT: 'x' });
    const wrong = parseConfig({ ...env, TRUSTED_DOCUMENTS_FILE: malformed });

    expect(!missing.ok && missing.errors.map((error) => error.split(':')[0])).toEqual([
      'PORT',
      'TRUSTED_DOCUMENTS_FILE',
    ]);
    expect(!wrong.ok && wrong.errors).toEqual([
      `TRUSTED_DOCUMENTS_FILE: ${malformed}: key "not-a-hash" is not a SHA-256 hash`,
    ]);
  });
});
