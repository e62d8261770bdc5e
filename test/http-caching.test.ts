import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, interceptors, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Listening, listen } from './helpers/listen.js';
import { createTestClock } from './helpers/test-clock.js';
import {
  FIXED_NOW,
  startTestGateway,
  type TestGatewayOptions,
  useTestGateway,
} from './helpers/test-gateway.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** A 7-day scope (fresh for an hour) beside a 1-day one (fresh for ten minutes). */
const TWO_SCOPES =
  '{ a: categoryInsight(id: "601583", timeScope: 7) { id title } b: categoryInsight(id: "601584") { id } }';
const ONE = '{ categoryInsight(id: "601583") { id title } }';

/** A fresh gateway on a real port for each test, with GET and POST over HTTP. */
function useServedGateway(options: TestGatewayOptions = {}) {
  const harness = useTestGateway(options);
  let http: Listening;
  beforeEach(async () => {
    http = await listen(harness.gateway);
  });
  afterEach(() => http.close());

  const get = (query: string, headers: Record<string, string> = {}) =>
    fetch(`${http.url}/graphql?query=${encodeURIComponent(query)}`, {
      headers: { 'graphql-preflight': '1', ...headers },
    });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${http.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  return { harness, get, post };
}

function caching(response: Response) {
  return {
    cacheControl: response.headers.get('cache-control'),
    age: response.headers.get('age'),
    vary: response.headers.get('vary'),
    etag: response.headers.get('etag'),
  };
}

/** What is left of a response's freshness, as an HTTP cache reads it: `max-age` minus `Age`. */
function freshnessLeft(response: Response): number {
  const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get('cache-control') ?? '')?.[1]);
  return maxAge - Number(response.headers.get('age') ?? 0);
}

describe('HTTP caching headers', () => {
  const clock = createTestClock(FIXED_NOW);
  const { harness, get, post } = useServedGateway({
    clock: clock.now,
    env: { KEYAPI_RETRY_MAX_ATTEMPTS: '1' },
  });

  it('gives max-age from the least fresh insight, and Age from the oldest', async () => {
    await get('{ categoryInsight(id: "601583", timeScope: 7) { id } }');
    clock.advance(5 * MINUTE);

    const mixed = await get(TWO_SCOPES);
    clock.advance(4 * MINUTE);
    const later = await get(TWO_SCOPES);

    // The 7-day insight is 5 minutes old; the 1-day one was fetched now and is fresh for 10 minutes.
    expect(caching(mixed)).toMatchObject({ cacheControl: 'public, max-age=900', age: '300', vary: 'Accept' });
    expect(freshnessLeft(mixed)).toBe(600);
    expect(caching(later)).toMatchObject({ cacheControl: 'public, max-age=900', age: '540' });
    expect(freshnessLeft(later)).toBe(360);
    expect(harness.upstream.calls).toHaveLength(2);
  });

  it('gives a response cache replay the same headers, from its own insights', async () => {
    const first = await post({ query: TWO_SCOPES });
    clock.advance(4 * MINUTE);

    const replay = await post({ query: TWO_SCOPES });

    expect((await replay.json()).extensions.cost.credits).toBe(0);
    expect(caching(first)).toMatchObject({ cacheControl: 'public, max-age=600', age: null });
    expect(caching(replay)).toMatchObject({ cacheControl: 'public, max-age=600', age: '240' });
    expect(freshnessLeft(replay)).toBe(360);
    expect(replay.headers.get('etag')).toBe(first.headers.get('etag'));
  });

  it('says no-store when an item failed', async () => {
    const response = await get(
      '{ a: categoryInsight(id: "601583") { id } b: categoryInsight(id: "999999") { id } }',
    );

    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('UPSTREAM_BAD_REQUEST');
    expect(body.data.a).toEqual({ id: '601583:all_regions:1' });
    expect(caching(response)).toEqual({ cacheControl: 'no-store', age: null, vary: 'Accept', etag: null });
  });

  it('says no-store when an answer was served stale', async () => {
    await get(ONE);
    clock.advance(11 * MINUTE);
    harness.upstream.setFault('601583', { kind: 'status', status: 503 });

    const response = await get(ONE);

    expect((await response.json()).extensions.stale).toHaveLength(1);
    expect(caching(response)).toMatchObject({ cacheControl: 'no-store', age: null, etag: null });
  });

  it('says no-store for an answer without paid data, and leaves refusals and probes to themselves', async () => {
    const typename = await get('{ __typename }');
    const invalid = await get('{ nope }', { accept: 'application/graphql-response+json' });

    expect(caching(typename).cacheControl).toBe('no-store');
    expect(invalid.status).toBe(400);
    expect(caching(invalid)).toEqual({ cacheControl: null, age: null, vary: null, etag: null });
  });

  it('answers 304 to a GET whose If-None-Match names the ETag, with the same caching headers', async () => {
    const first = await get(ONE);
    const etag = first.headers.get('etag') ?? '';

    const again = await get(ONE, { 'if-none-match': etag, 'x-request-id': 'revalidate-1' });

    expect(etag).toMatch(/^W\/"[\w-]+-json"$/);
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(caching(again)).toEqual(caching(first));
    expect(again.headers.get('x-request-id')).toBe('revalidate-1');
    expect(harness.upstream.calls).toHaveLength(1);
  });

  it('answers 304 to a persisted query sent by hash alone, replayed from the response cache', async () => {
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(ONE).digest('hex') };
    const registered = await post({ query: ONE, extensions: { persistedQuery } });
    const byHash = await post({ extensions: { persistedQuery } });
    const etag = byHash.headers.get('etag') ?? '';

    const revalidated = await post({ extensions: { persistedQuery } }, { 'if-none-match': etag });
    const otherType = await post(
      { extensions: { persistedQuery } },
      { 'if-none-match': etag, accept: 'application/graphql-response+json' },
    );

    expect(registered.headers.get('etag')).toBe(etag);
    expect(revalidated.status).toBe(304);
    expect(caching(revalidated)).toMatchObject({ cacheControl: 'public, max-age=600', etag });
    // The other media type is another representation, with its own tag.
    expect(otherType.status).toBe(200);
    expect(otherType.headers.get('etag')).toMatch(/-gql"$/);
    expect(harness.upstream.calls).toHaveLength(1);
  });

  it('answers in full when the data changed since the ETag', async () => {
    const withFetchedAt = '{ categoryInsight(id: "601583") { id fetchedAt } }';
    const first = await get(withFetchedAt);
    const etag = first.headers.get('etag') ?? '';
    // Past its freshness and any stale grace: the gateway fetches it anew.
    clock.advance(DAY + 11 * MINUTE);

    const changed = await get(withFetchedAt, { 'if-none-match': etag });

    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect((await changed.json()).data).not.toEqual((await first.json()).data);
  });

  it('tells probes not to cache /health and /ready', async () => {
    const responses = await Promise.all(
      ['/health', '/ready'].map((path) => harness.gateway.fetch(`http://gateway.test${path}`)),
    );

    expect(responses.map((response) => response.headers.get('cache-control'))).toEqual([
      'no-store',
      'no-store',
    ]);
  });
});

describe('HTTP caching with gateway tokens', () => {
  const { get } = useServedGateway({ env: { GATEWAY_TOKENS: 'dashboard:dashboard-token-0123456789' } });

  it('marks answers private and varying by Authorization', async () => {
    const response = await get(ONE, { authorization: 'Bearer dashboard-token-0123456789' });

    expect(caching(response)).toMatchObject({
      cacheControl: 'private, max-age=600',
      vary: 'Accept, Authorization',
    });
  });
});

describe('HTTP caching with a budget refusal', () => {
  const { get } = useServedGateway({ env: { CREDIT_BUDGET_PER_OPERATION: '6' } });

  it('says no-store when part of the answer was refused for its budget', async () => {
    const response = await get(`{
      categoryInsight(id: "601583", region: "US") {
        id
        category {
          gb: insight(region: "GB") { id }
          de: insight(region: "DE") { id }
          fr: insight(region: "FR") { id }
        }
      }
    }`);

    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('CREDIT_BUDGET_EXCEEDED');
    expect(body.data.categoryInsight.id).toBeDefined();
    expect(caching(response).cacheControl).toBe('no-store');
  });
});

describe('an HTTP client cache in front of the gateway', () => {
  it('answers a repeated GET itself, then revalidates it with If-None-Match and gets 304', async () => {
    // Fresh for 2 s: the client cache runs on real time, and Date headers have whole seconds, so
    // it may count up to 1 s of that as gone. The gateway's clock stands still: its copy stays fresh.
    const harness = await startTestGateway({ env: { CACHE_TTL_1_MS: '2000' } });
    // Counted where requests reach the gateway: those the client cache answers never do.
    const seen: Array<{ status: number; ifNoneMatch: string | undefined }> = [];
    const http = await listen((req, res) => {
      const ifNoneMatch = req.headers['if-none-match'];
      res.on('finish', () => seen.push({ status: res.statusCode, ifNoneMatch }));
      harness.gateway(req, res);
    });
    const agent = new Agent().compose(interceptors.cache());
    const get = async () => {
      const response = await request(`${http.url}/graphql?query=${encodeURIComponent(ONE)}`, {
        dispatcher: agent,
        headers: { 'graphql-preflight': '1' },
      });
      return { status: response.statusCode, body: await response.body.json() };
    };
    try {
      const first = await get();
      const cached = await get();
      const countsWhileFresh = { gateway: seen.length, upstream: harness.upstream.calls.length };
      await sleep(2_100);
      const revalidated = await get();

      expect(first.status).toBe(200);
      expect(cached).toEqual(first);
      expect(countsWhileFresh).toEqual({ gateway: 1, upstream: 1 });
      expect(revalidated).toEqual(first);
      // The data had not changed: the revalidation cost no credit, and no body went back.
      expect(seen).toEqual([
        { status: 200, ifNoneMatch: undefined },
        { status: 304, ifNoneMatch: expect.stringMatching(/^W\/"/) },
      ]);
      expect(harness.upstream.calls).toHaveLength(1);
    } finally {
      await agent.close();
      await http.close();
      await harness.close();
    }
  });
});
