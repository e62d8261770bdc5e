import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useGatewayInstances } from './helpers/gateway-instances.js';
import { captureLogs } from './helpers/log-capture.js';
import { deleteKeys, SHARED_REDIS_URL } from './helpers/redis.js';
import { createTestClock } from './helpers/test-clock.js';
import { FIXED_NOW, type TestGateway } from './helpers/test-gateway.js';

const insight = (id: string) => `{ categoryInsight(id: "${id}") { id } }`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What /ready says of the upstream: closed, open, half-open or paused. */
async function upstreamState(instance: TestGateway): Promise<string> {
  const response = await instance.gateway.fetch('http://gateway.test/ready');
  return ((await response.json()) as { upstream: string }).upstream;
}

/** How many keys' own circuits the instance holds open, from its metrics. */
async function openKeyCircuits(instance: TestGateway): Promise<number> {
  return Number(/^gateway_upstream_open_key_circuits (\d+)$/m.exec(await instance.metricsText())?.[1]);
}

describe('what one instance learns, every instance acts on', () => {
  const clock = createTestClock(FIXED_NOW);
  const shared = useGatewayInstances({
    redisEnv: () => ({ REDIS_URL: SHARED_REDIS_URL }),
    cleanUp: (prefix) => deleteKeys(SHARED_REDIS_URL, prefix),
  });
  const start = (env: Record<string, string> = {}, logs?: ReturnType<typeof captureLogs>) =>
    shared.start(
      { KEYAPI_RETRY_MAX_ATTEMPTS: '1', ...(logs && { LOG_LEVEL: 'info' }), ...env },
      { clock: clock.now, ...(logs && { deps: { logDestination: logs.stream } }) },
    );

  it('a 402 pauses every instance, and one that starts during the pause, without another call', async () => {
    const logs = captureLogs();
    const [a, b] = [start(), start({}, logs)];
    await expect.poll(() => upstreamState(b)).toBe('closed');
    shared.upstream.setFault(
      '601583',
      { kind: 'status', status: 402, message: 'apiKey quota is not enough' },
      1,
    );

    const paid = await a.executeText(insight('601583'));
    await expect.poll(() => upstreamState(b)).toBe('paused');
    const refused = await b.executeText(insight('601584'));
    const late = start();

    expect(paid.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_QUOTA_EXCEEDED');
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_QUOTA_EXCEEDED');
    await expect.poll(() => upstreamState(late)).toBe('paused');
    expect((await late.executeText(insight('601590'))).body.errors?.[0]?.extensions?.code).toBe(
      'UPSTREAM_QUOTA_EXCEEDED',
    );
    expect(shared.upstream.calls).toHaveLength(1);
    expect(logs.entries().map((entry) => [entry.level, entry.msg, entry.from])).toContainEqual([
      'warn',
      'KeyAPI credits are exhausted (402): upstream calls paused',
      'another instance',
    ]);
  });

  it('an open circuit fails fast on every instance, and a success on one closes it on all', async () => {
    const env = { KEYAPI_BREAKER_FAILURES: '3', KEYAPI_BREAKER_COOLDOWN_MS: '30000' };
    const [a, b] = [start(env), start(env)];
    await expect.poll(() => upstreamState(b)).toBe('closed');
    shared.upstream.setFault('*', { kind: 'status', status: 500 });

    await Promise.all(['601583', '601584', '601590'].map((id) => a.executeText(insight(id))));
    const callsWhenOpen = shared.upstream.calls.length;
    await expect.poll(() => upstreamState(b)).toBe('open');
    const fast = await b.executeText(insight('601170'));

    expect(fast.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(shared.upstream.calls).toHaveLength(callsWhenOpen);

    clock.advance(30_000);
    shared.upstream.setFault('*', null);
    expect(await upstreamState(b)).toBe('half-open');
    expect((await a.executeText(insight('601195'))).body.errors).toBeUndefined();
    await expect.poll(() => upstreamState(b)).toBe('closed');
    expect(shared.upstream.calls).toHaveLength(callsWhenOpen + 1);
  });

  it("one key's open circuit fails fast on every instance, its siblings answered, until a success anywhere", async () => {
    const env = { KEYAPI_BREAKER_FAILURES: '2', KEYAPI_BREAKER_COOLDOWN_MS: '30000' };
    const [a, b] = [start(env), start(env)];
    await expect.poll(() => upstreamState(b)).toBe('closed');
    shared.upstream.setFault('601583', { kind: 'status', status: 500 });

    for (const _ of [1, 2]) await a.executeText(insight('601583'));
    await expect.poll(() => openKeyCircuits(b)).toBe(1);
    const fast = await b.executeText(insight('601583'));
    const sibling = await b.executeText(insight('601584'));

    expect(fast.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(sibling.body.errors).toBeUndefined();
    expect(shared.upstream.calls.map((call) => call.id)).toEqual(['601583', '601583', '601584']);
    expect(await upstreamState(b)).toBe('closed');

    clock.advance(30_000);
    shared.upstream.setFault('601583', null);
    expect((await b.executeText(insight('601583'))).body.errors).toBeUndefined();
    await expect.poll(() => openKeyCircuits(a)).toBe(0);
    expect(shared.upstream.calls).toHaveLength(4);
  });

  it('a document registered on one instance runs by its hash on another', async () => {
    const [a, b] = [start(), start()];
    const query = 'query Registered { categoryInsight(id: "601583") { id } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const send = (instance: TestGateway, body: object) =>
      instance.gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify(body),
      });

    expect((await send(a, { query, extensions })).status).toBe(200);
    const byHash = await send(b, { extensions });

    expect(byHash.status).toBe(200);
    expect(await byHash.json()).toMatchObject({ data: { categoryInsight: { id: '601583:all_regions:1' } } });
  });
});
