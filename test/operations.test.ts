import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { InsightCardDocument } from '../operations/gql/graphql.js';
import { startDemoUpstream } from '../src/demo-upstream/demo-upstream.js';
import { createLogger } from '../src/logger.js';
import { metricsListener } from '../src/server/metrics-listener.js';
import { listen } from './helpers/listen.js';
import { captureLogs } from './helpers/log-capture.js';
import { startPrivateRedis, uniquePrefix } from './helpers/redis.js';
import {
  connectGateway,
  FIXED_NOW,
  TEST_API_KEY,
  type TestGateway,
  useTestGateway,
} from './helpers/test-gateway.js';

/** The value of one sample in Prometheus text, e.g. `name{label="x"} 3`. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((row) => row.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('/metrics', () => {
  const harness = useTestGateway({ env: { KEYAPI_RETRY_BASE_DELAY_MS: '0' } });

  it('counts operations, upstream calls, cache results, replays, retries, credits and the budget left', async () => {
    harness.upstream.setFault('601583', { kind: 'status', status: 503 }, 1);
    await harness.execute(InsightCardDocument, { id: '601583' });
    // The same request again is replayed whole; another one for the same key hits the insight cache.
    await harness.execute(InsightCardDocument, { id: '601583' });
    await harness.executeText('{ categoryInsight(id: "601583") { title } }');
    await harness.executeText('{ categoryInsight(id: "abc") { id } }');

    const text = await harness.metricsText();

    expect(
      sample(text, 'gateway_operation_duration_seconds_count', 'operation="InsightCard",outcome="ok"'),
    ).toBe(2);
    expect(
      sample(text, 'gateway_operation_duration_seconds_count', 'operation="anonymous",outcome="error"'),
    ).toBe(1);
    expect(
      sample(text, 'gateway_operation_duration_seconds_count', 'operation="anonymous",outcome="ok"'),
    ).toBe(1);
    expect(sample(text, 'gateway_response_cache_total', 'result="store"')).toBe(2);
    expect(sample(text, 'gateway_response_cache_total', 'result="hit"')).toBe(1);
    expect(sample(text, 'gateway_upstream_calls_total', 'outcome="UPSTREAM_UNAVAILABLE",status="503"')).toBe(
      1,
    );
    expect(sample(text, 'gateway_upstream_calls_total', 'outcome="ok",status="200"')).toBe(1);
    expect(sample(text, 'gateway_upstream_duration_seconds_count')).toBe(2);
    expect(sample(text, 'gateway_upstream_retries_total')).toBe(1);
    expect(sample(text, 'gateway_cache_lookups_total', 'result="miss"')).toBe(1);
    expect(sample(text, 'gateway_cache_lookups_total', 'result="hit"')).toBe(1);
    expect(sample(text, 'gateway_credits_spent_total')).toBe(4);
    expect(sample(text, 'gateway_daily_credit_budget_remaining')).toBe(20_000 - 4);
    expect(sample(text, 'gateway_upstream_breaker_state')).toBe(0);
  });
});

describe('request IDs and logs', () => {
  it('carries one request ID from the response header to the upstream call and the log line', async () => {
    const logs = captureLogs();
    const upstream = await startDemoUpstream({ apiKey: TEST_API_KEY, clock: () => FIXED_NOW });
    const harness = connectGateway(upstream, {
      env: { LOG_LEVEL: 'info' },
      deps: { logDestination: logs.stream },
    });
    try {
      const response = await harness.gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'dashboard-42' },
        body: JSON.stringify({
          query: 'query Card { categoryInsight(id: "601583") { id } }',
          operationName: 'Card',
        }),
      });
      const generated = await harness.gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'not a valid id!' },
        body: JSON.stringify({ query: '{ categoryInsight(id: "601584") { id } }' }),
      });

      expect(response.headers.get('x-request-id')).toBe('dashboard-42');
      expect(upstream.calls[0]?.requestId).toBe('dashboard-42');
      expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(upstream.calls[1]?.requestId).toBe(generated.headers.get('x-request-id'));
      expect(logs.entries().find((entry) => entry.requestId === 'dashboard-42')).toMatchObject({
        level: 'info',
        msg: 'operation',
        operation: 'Card',
        outcome: 'ok',
        cost: { upstreamCalls: 1, cacheHits: 0, coalesced: 0, credits: 2 },
      });
    } finally {
      await harness.close();
      await upstream.close();
    }
  });

  it('redacts the API key and client tokens in the logger itself, at every level', async () => {
    const logs = captureLogs();
    const upstream = await startDemoUpstream({ apiKey: TEST_API_KEY, clock: () => FIXED_NOW });
    const token = 'dashboard-token-0123456789';
    const harness = connectGateway(upstream, {
      env: { LOG_LEVEL: 'trace', GATEWAY_TOKENS: `dashboard:${token}`, KEYAPI_RETRY_MAX_ATTEMPTS: '1' },
      deps: { logDestination: logs.stream },
    });
    try {
      upstream.setFault('601583', { kind: 'status', status: 500, echoAuthorization: true });
      await harness.executeText('{ categoryInsight(id: "601583") { id } }', undefined, {
        authorization: `Bearer ${token}`,
      });
      await harness.executeText('{ categoryInsight(id: "601583") { id } }', undefined, {
        authorization: 'Bearer wrong-token-000000000',
      });

      expect(logs.lines.length).toBeGreaterThan(1);
      expect(logs.lines.join('\n')).not.toContain(TEST_API_KEY);
      expect(logs.lines.join('\n')).not.toContain(token);
    } finally {
      await harness.close();
      await upstream.close();
    }
  });
});

describe('the logger', () => {
  it('scrubs secrets from messages, fields and error stacks, escaped or not', () => {
    const logs = captureLogs();
    const quoted = 'key-with-"quote"-and-\\';
    const logger = createLogger({ level: 'info', secrets: [TEST_API_KEY, quoted], destination: logs.stream });

    logger.info(`calling with ${TEST_API_KEY}`);
    logger.info({ nested: { deeper: [`Bearer ${TEST_API_KEY}`] }, echoed: quoted }, 'fields');
    logger.error({ err: new Error(`upstream echoed ${TEST_API_KEY}`) }, 'failed');

    expect(logs.lines).toHaveLength(3);
    expect(logs.lines.join('\n')).not.toContain(TEST_API_KEY);
    expect(logs.entries().map((entry) => JSON.stringify(entry))).not.toContainEqual(
      expect.stringContaining('quote'),
    );
    expect(logs.entries()[0]?.msg).toBe('calling with [redacted]');
    expect(logs.entries()[1]).toMatchObject({
      nested: { deeper: ['Bearer [redacted]'] },
      echoed: '[redacted]',
    });
  });

  it('censors whatever a client sent as authorization, known token or not', () => {
    const logs = captureLogs();
    const logger = createLogger({ level: 'info', secrets: [], destination: logs.stream });

    logger.info(
      { headers: { authorization: 'Bearer some-unknown-token' }, authorization: 'Basic eDp5' },
      'request',
    );

    expect(logs.entries()[0]).toMatchObject({
      headers: { authorization: '[redacted]' },
      authorization: '[redacted]',
    });
  });
});

describe('the metrics listener', () => {
  const harness = useTestGateway();

  it('serves /metrics on its own port, with process metrics, and nothing on the public port', async () => {
    const server = await listen(metricsListener(harness.instance.metrics));
    try {
      await harness.executeText('{ categoryInsight(id: "601583") { id } }');
      const scrape = await fetch(`${server.url}/metrics`);
      const other = await fetch(`${server.url}/graphql`);
      const publicPort = await harness.gateway.fetch('http://gateway.test/metrics');
      const text = await scrape.text();

      expect(scrape.status).toBe(200);
      expect(scrape.headers.get('content-type')).toContain('text/plain');
      expect(text).toMatch(/^gateway_credits_spent_total 2$/m);
      expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
      expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
      expect(text).toMatch(/^gateway_redis_up 1$/m);
      expect(other.status).toBe(404);
      expect(publicPort.status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('/health and /ready', () => {
  const harness = useTestGateway();
  const ready = async (gateway: TestGateway) => {
    const response = await gateway.gateway.fetch('http://gateway.test/ready');
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('answers /health with a short JSON status', async () => {
    const response = await harness.gateway.fetch('http://gateway.test/health');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready with the upstream closed and no Redis configured', async () => {
    expect(await ready(harness)).toEqual({
      status: 200,
      body: { status: 'ready', upstream: 'closed', rateLimit: 'ok', redis: 'not configured', degraded: [] },
    });
  });

  it('answers 503 once draining after SIGTERM, while /health stays 200', async () => {
    harness.instance.drain();

    expect(await ready(harness)).toEqual({ status: 503, body: { status: 'draining' } });
    expect((await harness.gateway.fetch('http://gateway.test/health')).status).toBe(200);
  });

  it('reports Redis reachable, then stays ready without it, and closes its connection on dispose', async () => {
    const redis = await startPrivateRedis();
    const gateway = connectGateway(harness.upstream, {
      env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: uniquePrefix() },
    });
    const admin = new Redis(redis.url);
    const gatewayConnections = async () =>
      String(await admin.client('LIST'))
        .split('\n')
        .map((line) => line.match(/ name=(tiktok-insights-gateway\S*)/)?.[1])
        .filter(Boolean);
    try {
      await expect.poll(async () => (await ready(gateway)).body.redis).toBe('ok');
      expect(await ready(gateway)).toMatchObject({ status: 200, body: { status: 'ready' } });
      // One for commands, one subscribed to what the other instances tell.
      expect((await gatewayConnections()).sort()).toEqual([
        'tiktok-insights-gateway',
        'tiktok-insights-gateway:fleet',
      ]);

      await gateway.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await gatewayConnections()).toEqual([]);

      const unreachable = connectGateway(harness.upstream, {
        env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: uniquePrefix() },
      });
      admin.disconnect();
      await redis.stop();
      await expect.poll(async () => (await ready(unreachable)).body.redis).toBe('unreachable');
      // Every instance shares a lost Redis: staying in the load balancer keeps serving from memory.
      expect(await ready(unreachable)).toEqual({
        status: 200,
        body: {
          status: 'degraded',
          upstream: 'closed',
          rateLimit: 'ok',
          redis: 'unreachable',
          degraded: ['Redis is unreachable: caching, coalescing and budgets continue per instance'],
        },
      });
      await unreachable.close();
    } finally {
      admin.disconnect();
      await redis.stop();
    }
  });
});
