import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config.js';
import { THIRD_LEVEL_IDS } from '../src/demo-upstream/catalog.js';
import { createGateway } from '../src/server/create-gateway.js';
import { InsightInScopeDocument } from './gql/graphql.js';
import { freePort, listen } from './helpers/listen.js';
import { captureLogs } from './helpers/log-capture.js';
import { clockAt, createTestClock } from './helpers/test-clock.js';
import { FIXED_NOW, type GraphQLResponse, TEST_API_KEY, useTestGateway } from './helpers/test-gateway.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('insight cache, refreshed only when asked', () => {
  const clock = createTestClock(FIXED_NOW);
  // Without stale-while-revalidate: an expired answer makes its request wait for KeyAPI.
  const harness = useTestGateway({
    clock: clock.now,
    env: { KEYAPI_RETRY_MAX_ATTEMPTS: '1', CACHE_STALE_WHILE_REVALIDATE: 'false' },
  });
  const ask = (timeScope: string) => harness.execute(InsightInScopeDocument, { id: '601583', timeScope });
  const callsFor = (timeScope: string) =>
    harness.upstream.calls.filter((call) => call.timeScope === timeScope).length;

  it('keeps each time scope fresh for its own TTL: 10 min, 1 h, 6 h, 7 days', async () => {
    for (const scope of ['1', '7', '30', '2025-09']) await ask(scope);

    clock.advance(10 * MINUTE + 1);
    for (const scope of ['1', '7', '30', '2025-09']) await ask(scope);
    expect([callsFor('1'), callsFor('7'), callsFor('30'), callsFor('2025-09')]).toEqual([2, 1, 1, 1]);

    clock.advance(HOUR);
    for (const scope of ['7', '30', '2025-09']) await ask(scope);
    expect([callsFor('7'), callsFor('30'), callsFor('2025-09')]).toEqual([2, 1, 1]);

    clock.advance(6 * HOUR);
    for (const scope of ['30', '2025-09']) await ask(scope);
    expect([callsFor('30'), callsFor('2025-09')]).toEqual([2, 1]);

    clock.advance(7 * 24 * HOUR);
    await ask('2025-09');
    expect(callsFor('2025-09')).toBe(2);
  });

  it('serves the last good answer, marked stale, when KeyAPI fails after expiry', async () => {
    const fresh = await harness.executeText('{ categoryInsight(id: "601583") { id title fetchedAt } }');
    clock.advance(11 * MINUTE);
    harness.upstream.setFault('601583', { kind: 'status', status: 503 });

    const stale = await harness.executeText('{ categoryInsight(id: "601583") { id title fetchedAt } }');

    expect(stale.body.errors).toBeUndefined();
    const { fetchedAt } = (fresh.body.data as { categoryInsight: { fetchedAt: string } }).categoryInsight;
    expect(stale.body.data).toEqual(fresh.body.data);
    expect(stale.body.extensions?.stale).toEqual([
      { id: '601583:all_regions:1', fetchedAt, ageSeconds: 660, reason: 'UPSTREAM_UNAVAILABLE' },
    ]);
    expect(stale.body.extensions?.cost).toMatchObject({ upstreamCalls: 1, credits: 2 });
  });

  it('stops serving a stale answer once its grace window has passed', async () => {
    await ask('1');
    clock.advance(10 * MINUTE + 24 * HOUR + 1);
    harness.upstream.setFault('601583', { kind: 'status', status: 503 });

    const result = await ask('1');

    expect(result.data?.categoryInsight).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('remembers a refusal briefly, so a repeated bad ID does not pay again', async () => {
    const ask999 = () => harness.executeText('{ categoryInsight(id: "999999") { id } }');

    const first = await ask999();
    const second = await ask999();
    clock.advance(MINUTE + 1);
    await ask999();

    expect(first.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_BAD_REQUEST');
    expect(second.body.errors?.[0]).toMatchObject({
      message: first.body.errors?.[0]?.message,
      extensions: { code: 'UPSTREAM_BAD_REQUEST' },
    });
    expect(second.body.extensions?.cost).toMatchObject({ upstreamCalls: 0, cacheHits: 1 });
    expect(harness.upstream.calls).toHaveLength(2);
  });

  it('keeps the last good answer through a refusal, for the next outage to serve', async () => {
    const good = await harness.executeText('{ categoryInsight(id: "601583") { id title fetchedAt } }');
    clock.advance(11 * MINUTE);
    harness.upstream.setFault('601583', { kind: 'business-error', code: 10_001, message: 'not ranked' }, 1);
    const refused = await harness.executeText('{ categoryInsight(id: "601583") { id } }');
    clock.advance(MINUTE + 1);
    harness.upstream.setFault('601583', { kind: 'status', status: 503 });

    const outage = await harness.executeText('{ categoryInsight(id: "601583") { id title fetchedAt } }');

    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(outage.body.errors).toBeUndefined();
    expect(outage.body.data).toEqual(good.body.data);
    expect(outage.body.extensions?.stale).toEqual([
      expect.objectContaining({ id: '601583:all_regions:1', reason: 'UPSTREAM_UNAVAILABLE' }),
    ]);
  });

  it('does not remember a transient failure', async () => {
    harness.upstream.setFault('601583', { kind: 'status', status: 500 }, 1);

    await ask('1');
    const retried = await ask('1');

    expect(retried.errors).toBeUndefined();
    expect(harness.upstream.calls).toHaveLength(2);
  });
});

describe('credit budget per operation', () => {
  const harness = useTestGateway({ env: { CREDIT_BUDGET_PER_OPERATION: '6' } });

  it('answers what fits in the budget and refuses the rest with CREDIT_BUDGET_EXCEEDED', async () => {
    const result = await harness.executeText(`{
      categoryInsight(id: "601583", region: "US") {
        id
        category {
          gb: insight(region: "GB") { id }
          de: insight(region: "DE") { id }
          fr: insight(region: "FR") { id }
        }
      }
    }`);

    const category = (result.body.data as { categoryInsight: { category: Record<string, unknown> } })
      .categoryInsight.category;
    expect(Object.values(category).filter((value) => value !== null)).toHaveLength(2);
    expect(result.body.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'CREDIT_BUDGET_EXCEEDED', budget: 'operation' } }),
    ]);
    expect(harness.upstream.calls).toHaveLength(3);
    expect(result.body.extensions?.cost).toEqual({
      upstreamCalls: 3,
      cacheHits: 0,
      coalesced: 0,
      credits: 6,
    });
  });

  it('refuses, before any call, an operation whose root keys alone exceed the budget', async () => {
    const ids = THIRD_LEVEL_IDS.slice(0, 4);
    const result = await harness.executeText(
      `{ ${ids.map((id, index) => `k${index}: categoryInsight(id: "${id}") { id }`).join(' ')} }`,
    );

    expect(result.body.data ?? null).toBeNull();
    expect(result.body.errors?.[0]).toMatchObject({
      extensions: {
        code: 'CREDIT_BUDGET_EXCEEDED',
        budget: 'operation',
        neededCredits: 8,
        allowedCredits: 6,
      },
    });
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('prices a list, variables and fragments alike in the pre-check', async () => {
    const result = await harness.executeText(
      'query ($ids: [ID!]!) { ...Lists } fragment Lists on Query { categoryInsights(ids: $ids) { id } }',
      { ids: THIRD_LEVEL_IDS.slice(0, 4) },
    );

    expect(result.body.errors?.[0]?.extensions?.code).toBe('CREDIT_BUDGET_EXCEEDED');
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('counts cached keys as free in the pre-check', async () => {
    const ids = THIRD_LEVEL_IDS.slice(0, 4);
    await harness.executeText(`{ categoryInsights(ids: ${JSON.stringify(ids.slice(0, 2))}) { id } }`);

    const result = await harness.executeText(`{ categoryInsights(ids: ${JSON.stringify(ids)}) { id } }`);

    expect(result.body.errors).toBeUndefined();
    expect(result.body.extensions?.cost).toEqual({
      upstreamCalls: 2,
      cacheHits: 2,
      coalesced: 0,
      credits: 4,
    });
  });
});

describe('calls that never reached KeyAPI', () => {
  it('cost nothing anywhere, and the log says why and where', async () => {
    const port = await freePort();
    const logs = captureLogs();
    const parsed = parseConfig({
      KEYAPI_API_KEY: TEST_API_KEY,
      KEYAPI_BASE_URL: `http://127.0.0.1:${port}`,
      KEYAPI_RETRY_BASE_DELAY_MS: '0',
      CREDIT_BUDGET_GLOBAL_DAILY: '20',
      LOG_LEVEL: 'debug',
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const gateway = createGateway(parsed.config, {
      clock: clockAt(() => FIXED_NOW),
      logDestination: logs.stream,
    });
    try {
      const results = [];
      for (const id of ['601583', '601584', '601590']) {
        const response = await gateway.yoga.fetch('http://gateway.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: `{ categoryInsight(id: "${id}") { id } }` }),
        });
        results.push((await response.json()) as GraphQLResponse<unknown>);
      }
      const metrics = await gateway.metrics.text();

      for (const result of results) {
        expect(result.errors?.[0]).toMatchObject({
          message: 'KeyAPI is unavailable: the connection failed',
          extensions: { code: 'UPSTREAM_UNAVAILABLE' },
        });
        expect(result.extensions?.cost).toMatchObject({ upstreamCalls: 0, credits: 0 });
      }
      expect(metrics).toMatch(/^gateway_credits_spent_total 0$/m);
      expect(metrics).toMatch(/^gateway_daily_credit_budget_remaining 20$/m);
      const failed = logs.entries().filter((entry) => entry.msg === 'upstream attempt failed');
      expect(failed).toHaveLength(9);
      expect(failed[0]).toMatchObject({
        level: 'debug',
        host: `127.0.0.1:${port}`,
        attempt: 1,
        reason: 'ECONNREFUSED',
        sent: false,
      });
      expect(failed.map((entry) => entry.attempt)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3]);
    } finally {
      await gateway.dispose();
    }
  });
});

describe('daily credit budgets', () => {
  const harness = useTestGateway({
    env: {
      GATEWAY_TOKENS: 'dashboard:dashboard-token-0123456789,reports:reports-token-0123456789',
      CREDIT_BUDGET_PER_CLIENT_DAILY: '4',
      CREDIT_BUDGET_GLOBAL_DAILY: '6',
    },
  });
  const as = (token: string, id: string) =>
    harness.executeText(`{ categoryInsight(id: "${id}") { id } }`, undefined, {
      authorization: `Bearer ${token}`,
    });

  it("refuses a client past its daily budget, and everyone past the gateway's", async () => {
    await as('dashboard-token-0123456789', THIRD_LEVEL_IDS[0] as string);
    await as('dashboard-token-0123456789', THIRD_LEVEL_IDS[1] as string);
    const overClient = await as('dashboard-token-0123456789', THIRD_LEVEL_IDS[2] as string);
    const otherClient = await as('reports-token-0123456789', THIRD_LEVEL_IDS[3] as string);
    const overGlobal = await as('reports-token-0123456789', THIRD_LEVEL_IDS[4] as string);
    const cachedIsFree = await as('dashboard-token-0123456789', THIRD_LEVEL_IDS[0] as string);

    expect(overClient.body.errors?.[0]?.extensions).toMatchObject({
      code: 'CREDIT_BUDGET_EXCEEDED',
      budget: 'client',
    });
    expect(otherClient.body.errors).toBeUndefined();
    expect(overGlobal.body.errors?.[0]?.extensions).toMatchObject({
      code: 'CREDIT_BUDGET_EXCEEDED',
      budget: 'global',
    });
    expect(cachedIsFree.body.errors).toBeUndefined();
    expect(harness.upstream.calls).toHaveLength(3);
  });
});

describe('client identity behind a proxy', () => {
  const harness = useTestGateway({ env: { TRUST_PROXY: '1', CREDIT_BUDGET_PER_CLIENT_DAILY: '20' } });

  it('charges the address the trusted proxy appended, whatever the client wrote before it', async () => {
    const server = await listen(harness.gateway);
    try {
      const results = [];
      for (const [index, id] of THIRD_LEVEL_IDS.slice(0, 15).entries()) {
        const response = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            // The client wrote the first entry; its load balancer appended the second.
            'x-forwarded-for': `198.51.100.${index}, 203.0.113.7`,
          },
          body: JSON.stringify({ query: `{ categoryInsight(id: "${id}") { id } }` }),
        });
        results.push((await response.json()) as GraphQLResponse<unknown>);
      }

      expect(results.filter((result) => result.errors === undefined)).toHaveLength(10);
      expect(results.slice(10).map((result) => result.errors?.[0]?.extensions)).toEqual(
        Array(5).fill(expect.objectContaining({ code: 'CREDIT_BUDGET_EXCEEDED', budget: 'client' })),
      );
      expect(harness.upstream.calls).toHaveLength(10);
    } finally {
      await server.close();
    }
  });
});

describe('limits against cost amplification', () => {
  const harness = useTestGateway();

  it('refuses 50 aliases with no upstream call', async () => {
    const aliases = Array.from(
      { length: 50 },
      (_, index) => `a${index}: categoryInsight(id: "601583") { id }`,
    );

    const result = await harness.executeText(`{ ${aliases.join(' ')} }`);

    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]).toMatchObject({
      message: 'Aliases limit of 15 exceeded, found 50.',
      extensions: { code: 'MAX_ALIASES_LIMIT' },
    });
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('refuses depth 20 with no upstream call', async () => {
    const selection = `${'parent { '.repeat(18)}id${' }'.repeat(18)}`;

    const result = await harness.executeText(
      `{ categoryInsight(id: "601583") { category { ${selection} } } }`,
    );

    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]).toMatchObject({
      message: 'Query depth limit of 8 exceeded, found 21.',
      extensions: { code: 'MAX_DEPTH_LIMIT' },
    });
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('refuses 11 directives with no upstream call', async () => {
    const fields = Array.from({ length: 11 }, (_, index) => `f${index}: id @include(if: true)`);

    const result = await harness.executeText(`{ categoryInsight(id: "601583") { ${fields.join(' ')} } }`);

    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]).toMatchObject({
      message: 'Directives limit of 10 exceeded, found 11.',
      extensions: { code: 'MAX_DIRECTIVES_LIMIT' },
    });
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('refuses 10k tokens with no upstream call', async () => {
    const result = await harness.executeText(`{ categoryInsight(id: "601583") { ${'id '.repeat(10_000)} } }`);

    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]).toMatchObject({
      message: 'Token limit of 1000 exceeded.',
      extensions: { code: 'MAX_TOKENS_LIMIT' },
    });
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('refuses a document that does not parse with GRAPHQL_PARSE_FAILED and no upstream call', async () => {
    const result = await harness.executeText('{ categoryInsight(id: "601583") { id ');

    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('refuses a 2 MB body with 413 and no upstream call', async () => {
    const response = await harness.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ categoryInsight(id: "601583") { id } }',
        variables: { pad: 'x'.repeat(2_000_000) },
      }),
    });

    expect(response.status).toBe(413);
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('refuses HTTP batching', async () => {
    const response = await harness.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { query: '{ categoryInsight(id: "601583") { id } }' },
        { query: '{ categoryInsight(id: "601584") { id } }' },
      ]),
    });

    expect(response.status).toBe(400);
    expect(harness.upstream.calls).toHaveLength(0);
  });
});
