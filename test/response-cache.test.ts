import { describe, expect, it } from 'vitest';
import { createTestClock } from './helpers/test-clock.js';
import { FIXED_NOW, useTestGateway } from './helpers/test-gateway.js';

const CARD =
  '{ a: categoryInsight(id: "601583", timeScope: 7) { id title } b: categoryInsight(id: "601584") { id } }';

describe('response cache', () => {
  const clock = createTestClock(FIXED_NOW);
  const harness = useTestGateway({
    clock: clock.now,
    env: { KEYAPI_RETRY_MAX_ATTEMPTS: '1', CACHE_STALE_WHILE_REVALIDATE: 'false' },
  });
  const post = (query: string, headers: Record<string, string> = {}) =>
    harness.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });

  it('replays a repeated request whole, for free, with its own request ID', async () => {
    const first = await (await post(CARD)).json();
    const replay = await post(CARD, {
      accept: 'application/graphql-response+json',
      'x-request-id': 'replay-1',
    });
    const body = await replay.json();

    expect(body.data).toEqual(first.data);
    expect(first.extensions.cost).toEqual({ upstreamCalls: 2, cacheHits: 0, coalesced: 0, credits: 4 });
    expect(body.extensions.cost).toEqual({ upstreamCalls: 0, cacheHits: 2, coalesced: 0, credits: 0 });
    expect(replay.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
    expect(replay.headers.get('x-request-id')).toBe('replay-1');
    expect(harness.upstream.calls).toHaveLength(2);
  });

  it('stops replaying when the first of its insights goes stale', async () => {
    await post(CARD);
    clock.advance(10 * 60_000 + 1);

    const afterExpiry = await (await post(CARD)).json();

    // The 1-day scope expired after 10 minutes; the 7-day one is still fresh in the insight cache.
    expect(afterExpiry.extensions.cost).toEqual({ upstreamCalls: 1, cacheHits: 1, coalesced: 0, credits: 2 });
    expect(harness.upstream.calls.map((call) => call.id)).toEqual(['601583', '601584', '601584']);
  });

  it('never replays a response with errors', async () => {
    harness.upstream.setFault('601584', { kind: 'status', status: 500 }, 1);

    const failed = await (await post(CARD)).json();
    const retried = await (await post(CARD)).json();

    expect(failed.errors).toHaveLength(1);
    expect(retried.errors).toBeUndefined();
    expect(retried.data.b).toEqual({ id: '601584:all_regions:1' });
  });

  it('never replays an answer served stale', async () => {
    await post(CARD);
    clock.advance(10 * 60_000 + 1);
    harness.upstream.setFault('601584', { kind: 'status', status: 503 });

    const stale = await (await post(CARD)).json();
    harness.upstream.setFault('601584', null);
    const recovered = await (await post(CARD)).json();

    expect(stale.extensions.stale).toHaveLength(1);
    expect(recovered.extensions.stale).toBeUndefined();
    expect(recovered.extensions.cost.upstreamCalls).toBe(1);
  });
});

describe('response cache with gateway tokens', () => {
  const harness = useTestGateway({ env: { GATEWAY_TOKENS: 'dashboard:dashboard-token-0123456789' } });

  it('replays only to a request with a valid token', async () => {
    const send = (authorization?: string) =>
      harness.gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query: CARD }),
      });

    await send('Bearer dashboard-token-0123456789');
    const anonymous = await send();
    const wrong = await send('Bearer not-the-token-0000000');
    const valid = await send('Bearer dashboard-token-0123456789');

    expect([anonymous.status, wrong.status, valid.status]).toEqual([401, 401, 200]);
    expect((await valid.json()).extensions.cost.credits).toBe(0);
  });
});

describe('response cache switched off', () => {
  const harness = useTestGateway({ env: { RESPONSE_CACHE_MAX_ENTRIES: '0' } });

  it('executes every request, from the insight cache', async () => {
    await harness.executeText(CARD);
    const second = await harness.executeText(CARD);

    expect(second.body.extensions?.cost).toEqual({
      upstreamCalls: 0,
      cacheHits: 2,
      coalesced: 0,
      credits: 0,
    });
    expect(harness.upstream.calls).toHaveLength(2);
    const metrics = await harness.metricsText();
    expect(metrics).not.toMatch(/gateway_response_cache_total\{result="hit"\}/);
    expect(metrics).toMatch(/gateway_cache_lookups_total\{result="hit"\} 2/);
  });
});

describe('response cache and the Accept header', () => {
  const harness = useTestGateway();
  const post = (headers: Record<string, string> = {}) =>
    harness.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: CARD }),
    });

  it('replays in the type yoga would answer in, and leaves other types to yoga', async () => {
    await post();
    const replies = {
      none: await post(),
      any: await post({ accept: '*/*' }),
      json: await post({ accept: 'application/json' }),
      graphqlResponse: await post({ accept: 'application/graphql-response+json' }),
      // Yoga reads the list from the end: application/json is its last match here.
      both: await post({ accept: 'application/json, application/graphql-response+json' }),
      eventStream: await post({ accept: 'text/event-stream' }),
      anyApplication: await post({ accept: 'application/*' }),
      xml: await post({ accept: 'application/xml' }),
      // Yoga answers only in UTF-8.
      latin1: await post({ accept: 'application/json; charset=latin1' }),
    };
    const described = Object.fromEntries(
      Object.entries(replies).map(([name, reply]) => [
        name,
        `${reply.status} ${reply.headers.get('content-type')}`,
      ]),
    );

    expect(described).toEqual({
      none: '200 application/json; charset=utf-8',
      any: '200 application/json; charset=utf-8',
      json: '200 application/json; charset=utf-8',
      graphqlResponse: '200 application/graphql-response+json; charset=utf-8',
      both: '200 application/json; charset=utf-8',
      eventStream: '200 text/event-stream',
      anyApplication: '200 application/json; charset=utf-8',
      xml: '406 null',
      latin1: '406 null',
    });
    // Every JSON answer after the first was a replay; the event stream was executed, from the insight cache.
    expect(harness.upstream.calls).toHaveLength(2);
  });
});
