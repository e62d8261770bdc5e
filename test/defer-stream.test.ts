import {
  ApolloClient,
  ApolloLink,
  gql,
  HttpLink,
  InMemoryCache,
  type TypedDocumentNode,
} from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { Client, fetchExchange, type OperationResult } from '@urql/core';
import { createSchema, createYoga } from 'graphql-yoga';
import { tap } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreditBudgetError } from '../src/loaders/budget/credit-budget-error.js';
import { maskGatewayError } from '../src/schema/errors.js';
import { useIncrementalDelivery } from '../src/server/plugins/incremental-delivery.js';
import { type Listening, listen } from './helpers/listen.js';
import { connectGateway, type GraphQLResponse, useTestGateway } from './helpers/test-gateway.js';

const FAST = '601583'; // Perfume
const SLOW = '601755'; // Phone Cases
const SLOW_MS = 600;

const CARDS = `{
  fast: categoryInsight(id: "${FAST}") { id title }
  ... @defer(label: "slow") { slow: categoryInsight(id: "${SLOW}") { id title } }
}`;
const CARDS_AT_ONCE = CARDS.replace(' @defer(label: "slow")', '');
const WARM_FAST = `{ categoryInsight(id: "${FAST}") { id } }`;

const PERFUME = { id: `${FAST}:all_regions:1`, title: 'Perfume' };
const PHONE_CASES = { id: `${SLOW}:all_regions:1`, title: 'Phone Cases' };

/** What Apollo Client sends for an operation with @defer. */
const INCREMENTAL_ACCEPT =
  'multipart/mixed;deferSpec=20220824, application/graphql-response+json, application/json';

type Cost = NonNullable<GraphQLResponse<unknown>['extensions']>['cost'];

interface Payload {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
  incremental?: Array<{
    data?: Record<string, unknown> | null;
    items?: unknown[];
    path: Array<string | number>;
    label?: string;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  }>;
  hasNext?: boolean;
  extensions?: { cost?: Cost; stale?: unknown[] };
  /** What the test's observer saw as this part arrived (added by the test, not sent). */
  observed?: number;
}

/**
 * Each part of a `multipart/mixed` response as it arrives. A part is whole once the next
 * delimiter follows it; yoga writes that delimiter right after each part.
 */
async function readParts(response: Response, observe?: () => Promise<number>): Promise<Payload[]> {
  const boundary = /boundary="?([^";]+)"?/.exec(response.headers.get('content-type') ?? '')?.[1];
  if (!boundary || !response.body) throw new Error('not a multipart response');
  const delimiter = `\r\n--${boundary}`;
  const decoder = new TextDecoder();
  const parts: Payload[] = [];
  const reader = response.body.getReader();
  let buffer = '';
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    buffer += decoder.decode(read.value, { stream: true });
    for (;;) {
      const start = buffer.indexOf(delimiter);
      const next = start < 0 ? -1 : buffer.indexOf(delimiter, start + delimiter.length);
      if (next < 0) break;
      const part = buffer.slice(start + delimiter.length, next);
      buffer = buffer.slice(next);
      const json = JSON.parse(part.slice(part.indexOf('\r\n\r\n') + 4));
      parts.push({ ...json, ...(observe && { observed: await observe() }) });
    }
  }
  return parts;
}

describe('@defer and @stream over multipart HTTP', () => {
  const harness = useTestGateway();
  let http: Listening;
  beforeEach(async () => {
    http = await listen(harness.gateway);
  });
  afterEach(() => http.close());

  const post = async (query: string, accept = INCREMENTAL_ACCEPT) => {
    const response = await fetch(`${http.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept },
      body: JSON.stringify({ query }),
    });
    return { response };
  };
  const postParts = async (query: string, observe?: () => Promise<number>) => {
    const { response } = await post(query);
    expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed/);
    return readParts(response, observe);
  };
  /** Upstream attempts the gateway has seen answered so far. */
  const answeredUpstreamCalls = async () =>
    Number(
      /^gateway_upstream_calls_total\{outcome="ok",status="200"\} (\d+)/m.exec(
        await harness.metricsText(),
      )?.[1] ?? 0,
    );

  it('sends the fast card in the first part and the slow deferred card in a later one', async () => {
    harness.upstream.setFault(SLOW, { kind: 'delay', ms: SLOW_MS });

    const parts = await postParts(CARDS);

    expect(parts[0]).toMatchObject({ data: { fast: PERFUME }, hasNext: true });
    expect(parts[0]?.data).not.toHaveProperty('slow');
    expect(parts.slice(1).flatMap((part) => part.incremental ?? [])).toEqual([
      { data: { slow: PHONE_CASES }, path: [], label: 'slow' },
    ]);
    expect(parts.at(-1)?.hasNext).toBe(false);
    expect(harness.upstream.calls.map((call) => call.id).sort()).toEqual([FAST, SLOW]);
  });

  it('sends a cached card before KeyAPI answers the slow deferred one', async () => {
    await harness.executeText(WARM_FAST);
    harness.upstream.setFault(SLOW, { kind: 'delay', ms: SLOW_MS });

    const parts = await postParts(CARDS, answeredUpstreamCalls);

    // The first part came while KeyAPI had answered only the warm-up; the last after the slow card.
    expect(parts[0]?.data).toEqual({ fast: PERFUME });
    expect(parts[0]?.observed).toBe(1);
    expect(parts.at(-1)?.observed).toBe(2);
  });

  it('reports on the last part the same extensions.cost as the query without @defer, and none before', async () => {
    await harness.executeText(WARM_FAST);
    harness.upstream.setFault(SLOW, { kind: 'delay', ms: 100 });
    const parts = await postParts(CARDS);

    const atOnce = connectGateway(harness.upstream);
    await atOnce.executeText(WARM_FAST);
    const { body } = await atOnce.executeText(CARDS_AT_ONCE);
    await atOnce.close();

    expect(body.data).toEqual({ fast: PERFUME, slow: PHONE_CASES });
    expect(body.extensions?.cost).toEqual({ upstreamCalls: 1, cacheHits: 1, coalesced: 0, credits: 2 });
    expect(parts.at(-1)).toMatchObject({ hasNext: false, extensions: { cost: body.extensions?.cost } });
    expect(parts.slice(0, -1).map((part) => part.extensions)).toEqual(
      Array(parts.length - 1).fill(undefined),
    );
  });

  it('counts a deferred operation once, when its last part leaves', async () => {
    await postParts(`query Cards ${CARDS}`);

    const metrics = await harness.metricsText();

    expect(metrics).toMatch(
      /^gateway_operation_duration_seconds_count\{operation="Cards",outcome="ok"\} 1$/m,
    );
  });

  it('streams a list item by item, with one upstream call per distinct ID', async () => {
    const ids = [FAST, SLOW, FAST, '601196'];
    harness.upstream.setFault(SLOW, { kind: 'delay', ms: 100 });

    const parts = await postParts(
      `{ categoryInsights(ids: ${JSON.stringify(ids)}) @stream(initialCount: 1) { id title } }`,
    );

    expect(parts[0]).toMatchObject({ data: { categoryInsights: [PERFUME] }, hasNext: true });
    const streamed = parts.slice(1).flatMap((part) => part.incremental ?? []);
    expect(streamed.every((item) => item.path[0] === 'categoryInsights')).toBe(true);
    const items = [
      ...((parts[0]?.data?.categoryInsights as unknown[]) ?? []),
      ...streamed.flatMap((item) => item.items ?? []),
    ];
    expect(items).toEqual([
      PERFUME,
      PHONE_CASES,
      PERFUME,
      { id: '601196:all_regions:1', title: 'Party Dresses' },
    ]);
    expect(harness.upstream.calls).toHaveLength(3);
    expect(parts.at(-1)?.extensions?.cost).toEqual({
      upstreamCalls: 3,
      cacheHits: 0,
      coalesced: 0,
      credits: 6,
    });
  });

  it('never stores a deferred response, nor replays the plain one to a client that asked with @defer', async () => {
    const plain = await (await post(CARDS_AT_ONCE)).response.json();
    const replayed = await (await post(CARDS_AT_ONCE)).response.json();
    const deferredTwice = [await postParts(CARDS), await postParts(CARDS)];

    expect(replayed).toEqual({
      ...plain,
      extensions: { cost: { ...plain.extensions.cost, upstreamCalls: 0, credits: 0, cacheHits: 2 } },
    });
    for (const parts of deferredTwice) {
      expect(parts[0]).toMatchObject({ data: { fast: PERFUME }, hasNext: true });
      expect(parts.at(-1)?.extensions?.cost).toEqual({
        upstreamCalls: 0,
        cacheHits: 2,
        coalesced: 0,
        credits: 0,
      });
    }
    const metrics = await harness.metricsText();
    expect(metrics).toContain('gateway_response_cache_total{result="store"} 1');
    expect(metrics).toContain('gateway_response_cache_total{result="hit"} 1');
    expect(harness.upstream.calls).toHaveLength(2);
  });
});

describe('budgets across the parts of a deferred operation', () => {
  const harness = useTestGateway({ env: { CREDIT_BUDGET_PER_OPERATION: '6' } });
  let http: Listening;
  beforeEach(async () => {
    http = await listen(harness.gateway);
  });
  afterEach(() => http.close());

  const post = async (query: string) => {
    const response = await fetch(`${http.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: INCREMENTAL_ACCEPT },
      body: JSON.stringify({ query }),
    });
    return { response };
  };

  it('refuses a call inside a deferred fragment with CREDIT_BUDGET_EXCEEDED, counting the first part against the same budget', async () => {
    const { response } = await post(`{
      categoryInsight(id: "${FAST}", region: "US") {
        id
        ... @defer {
          category {
            gb: insight(region: "GB") { id }
            de: insight(region: "DE") { id }
            fr: insight(region: "FR") { id }
          }
        }
      }
    }`);
    const parts = await readParts(response);

    expect(parts[0]).toMatchObject({ data: { categoryInsight: { id: `${FAST}:US:1` } }, hasNext: true });
    const deferred = parts.slice(1).flatMap((part) => part.incremental ?? []);
    expect(deferred).toHaveLength(1);
    const category = deferred[0]?.data?.category as Record<string, unknown>;
    expect(Object.values(category).filter((value) => value !== null)).toHaveLength(2);
    expect(deferred[0]?.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'CREDIT_BUDGET_EXCEEDED', budget: 'operation' } }),
    ]);
    expect(parts.at(-1)?.extensions?.cost).toEqual({
      upstreamCalls: 3,
      cacheHits: 0,
      coalesced: 0,
      credits: 6,
    });
    expect(harness.upstream.calls).toHaveLength(3);
  });

  it('prices deferred root fields in the pre-check, refusing the whole operation before any call', async () => {
    const ids = [FAST, SLOW, '601196', '601584'];
    const { response } = await post(
      `{ a: categoryInsight(id: "${ids[0]}") { id } ... @defer { ${ids
        .slice(1)
        .map((id, index) => `k${index}: categoryInsight(id: "${id}") { id }`)
        .join(' ')} } }`,
    );
    const body = (await response.json()) as GraphQLResponse<unknown>;

    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'CREDIT_BUDGET_EXCEEDED',
      budget: 'operation',
      neededCredits: 8,
      allowedCredits: 6,
    });
    expect(harness.upstream.calls).toHaveLength(0);
  });
});

interface Cards {
  fast: { id: string; title: string | null } | null;
  slow?: { id: string; title: string | null } | null;
}

describe('clients that read incremental responses', () => {
  const harness = useTestGateway();
  let http: Listening;
  beforeEach(async () => {
    http = await listen(harness.gateway);
    harness.upstream.setFault(SLOW, { kind: 'delay', ms: 100 });
  });
  afterEach(() => http.close());

  it('Apollo Client 4 shows the fast card while the deferred one streams, then both', async () => {
    // Apollo Client 4 keeps `extensions` off query results; a link sees each part as it came.
    const parts: Array<{ hasNext?: boolean; extensions?: Record<string, unknown> }> = [];
    let linkDone = () => {};
    const linkFinished = new Promise<void>((resolve) => {
      linkDone = resolve;
    });
    const recordParts = new ApolloLink((operation, forward) =>
      forward(operation).pipe(tap({ next: (part) => parts.push(part), complete: () => linkDone() })),
    );
    const client = new ApolloClient({
      link: ApolloLink.from([recordParts, new HttpLink({ uri: `${http.url}/graphql` })]),
      cache: new InMemoryCache(),
      incrementalHandler: new Defer20220824Handler(),
    });
    const query: TypedDocumentNode<Cards> = gql(`query Cards ${CARDS}`);

    const seen: Array<{ dataState: string; data: unknown }> = [];
    const complete = new Promise<void>((resolve, reject) => {
      const subscription = client.watchQuery({ query }).subscribe({
        next: ({ dataState, data }) => {
          seen.push({ dataState, data });
          if (dataState === 'complete') resolve();
        },
        error: reject,
      });
      // Unsubscribing before the response has ended would abort its body mid-read.
      void linkFinished.then(() => subscription.unsubscribe());
    });
    await complete;
    await linkFinished;
    client.stop();

    const typed = (card: object) => ({ __typename: 'CategoryInsight', ...card });
    expect(seen.filter((result) => result.dataState !== 'empty')).toEqual([
      { dataState: 'streaming', data: { __typename: 'Query', fast: typed(PERFUME) } },
      {
        dataState: 'complete',
        data: { __typename: 'Query', fast: typed(PERFUME), slow: typed(PHONE_CASES) },
      },
    ]);
    expect(parts.map((part) => [part.hasNext, part.extensions?.cost])).toEqual([
      [true, undefined],
      [false, { upstreamCalls: 2, cacheHits: 0, coalesced: 0, credits: 4 }],
    ]);
    expect(harness.upstream.calls).toHaveLength(2);
  });

  it('urql shows the fast card first, then both with the whole operation in extensions.cost', async () => {
    const client = new Client({
      url: `${http.url}/graphql`,
      // urql sends queries as GET; CSRF prevention wants a header no cross-site form could send.
      fetchOptions: { headers: { 'graphql-preflight': '1' } },
      exchanges: [fetchExchange],
    });

    const seen = await new Promise<OperationResult<Cards>[]>((resolve) => {
      const results: OperationResult<Cards>[] = [];
      const subscription = client.query<Cards>(CARDS, {}).subscribe((result) => {
        results.push(result);
        if (!result.hasNext) {
          queueMicrotask(() => subscription.unsubscribe());
          resolve(results);
        }
      });
    });

    expect(seen.map(({ data, hasNext, error }) => ({ data, hasNext, error }))).toEqual([
      { data: { fast: PERFUME }, hasNext: true, error: undefined },
      { data: { fast: PERFUME, slow: PHONE_CASES }, hasNext: false, error: undefined },
    ]);
    expect(seen.at(-1)?.extensions?.cost).toEqual({
      upstreamCalls: 2,
      cacheHits: 0,
      coalesced: 0,
      credits: 4,
    });
    expect(harness.upstream.calls).toHaveLength(2);
  });
});

describe('errors in later payloads', () => {
  it('are masked like those in the first: coded when typed, "Unexpected error." otherwise', async () => {
    const logged: unknown[] = [];
    const yoga = createYoga({
      schema: createSchema({
        typeDefs: 'type Query { ok: String, budget: String, crash: String }',
        resolvers: {
          Query: {
            ok: () => 'ok',
            budget: async () => {
              throw new CreditBudgetError('client', "This client's daily credit budget is spent");
            },
            crash: async () => {
              throw new Error('ECONNREFUSED redis://:hunter2@10.0.0.7');
            },
          },
        },
      }),
      maskedErrors: { maskError: maskGatewayError },
      logging: { debug() {}, info() {}, warn() {}, error: (error) => logged.push(error) },
      plugins: [useIncrementalDelivery(maskGatewayError)],
    });

    const response = await yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
      body: JSON.stringify({ query: '{ ok ... @defer { budget crash } }' }),
    });
    const parts = await readParts(response);

    const errors = parts.flatMap((part) => part.incremental ?? []).flatMap((item) => item.errors ?? []);
    expect(errors.map(({ message, extensions }) => ({ message, extensions }))).toEqual([
      {
        message: "This client's daily credit budget is spent",
        extensions: { code: 'CREDIT_BUDGET_EXCEEDED', budget: 'client' },
      },
      { message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', unexpected: true } },
    ]);
    expect(JSON.stringify(parts)).not.toContain('hunter2');
    expect(logged).toHaveLength(1);
  });
});
