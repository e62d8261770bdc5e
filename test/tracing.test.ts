import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../src/telemetry/tracing.js';
import { listen } from './helpers/listen.js';
import { captureLogs } from './helpers/log-capture.js';
import { deleteKeys, SHARED_REDIS_URL, uniquePrefix } from './helpers/redis.js';
import { createTestClock } from './helpers/test-clock.js';
import { connectGateway, FIXED_NOW, useTestGateway } from './helpers/test-gateway.js';

/** A span as the OTLP/JSON export carries it, its attributes flattened. */
interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  links: Array<{ traceId: string; spanId: string }>;
  service: string;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
type OtlpAttributes = Array<{ key: string; value: OtlpValue }> | undefined;

const attributeValue = (value: OtlpValue): unknown =>
  value.stringValue ??
  (value.intValue !== undefined ? Number(value.intValue) : undefined) ??
  value.doubleValue ??
  value.boolValue ??
  value.arrayValue?.values?.map(attributeValue);
const flatten = (attributes: OtlpAttributes) =>
  Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, attributeValue(value)]));

/** An OTLP/HTTP receiver on loopback: POST /v1/traces in the JSON encoding, every span kept. */
async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const contentTypes = new Set<string>();
  const receive = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    contentTypes.add(request.headers['content-type'] ?? '');
    if (request.method !== 'POST' || request.url !== '/v1/traces') {
      response.writeHead(404).end();
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    for (const resourceSpans of body.resourceSpans ?? []) {
      const service = String(flatten(resourceSpans.resource?.attributes)['service.name']);
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          spans.push({
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            traceState: span.traceState ?? '',
            name: span.name,
            kind: span.kind,
            attributes: flatten(span.attributes),
            links: (span.links ?? []).map(({ traceId, spanId }: ReceivedSpan['links'][number]) => ({
              traceId,
              spanId,
            })),
            service,
          });
        }
      }
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  };
  const server = await listen((request, response) => void receive(request, response));
  return { url: server.url, spans, contentTypes, close: server.close };
}

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const MINUTE = 60_000;

const newTraceparent = () => {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { traceId, parentId, traceparent: `00-${traceId}-${parentId}-01` };
};

const card = (id: string) =>
  `query PerfumeInsight { categoryInsight(id: "${id}", region: "US", timeScope: 1) { id title } }`;

describe('tracing off (no OTLP endpoint)', () => {
  const logs = captureLogs();
  const harness = useTestGateway({ env: { LOG_LEVEL: 'info' }, deps: { logDestination: logs.stream } });

  it('sends no traceparent upstream and writes no trace ids, even when the caller sent one', async () => {
    const { traceparent } = newTraceparent();

    const { body } = await harness.executeText(card('601583'), undefined, { traceparent });

    expect(body.extensions?.cost?.credits).toBe(2);
    expect(harness.upstream.calls.map((call) => call.traceparent)).toEqual([undefined]);
    const operation = logs.entries().find((entry) => entry.msg === 'operation');
    expect(operation).toBeDefined();
    expect(operation).not.toHaveProperty('traceId');
  });
});

describe('tracing on, exported over OTLP/HTTP', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let tracing: Tracing;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    tracing = startTracing({ otlpEndpoint: receiver.url, serviceName: 'gateway-under-test' });
  });
  afterAll(async () => {
    await tracing.shutdown();
    await receiver.close();
  });

  /** Exports what has ended, then the spans of one trace. */
  async function spansOf(traceId: string) {
    await tracing.flush();
    return receiver.spans.filter((span) => span.traceId === traceId);
  }

  describe('one instance', () => {
    const clock = createTestClock(FIXED_NOW);
    const logs = captureLogs();
    const harness = useTestGateway({
      clock: clock.now,
      env: { LOG_LEVEL: 'info', RESPONSE_CACHE_MAX_ENTRIES: '0', KEYAPI_RETRY_MAX_ATTEMPTS: '1' },
      deps: { logDestination: logs.stream },
    });

    it("continues the caller's trace: the operation, its lookup and its paid attempt, the traceparent sent upstream, and the log line", async () => {
      const { traceId, parentId, traceparent } = newTraceparent();

      const { body } = await harness.executeText(card('601583'), undefined, {
        traceparent,
        tracestate: 'vendor=42',
      });

      expect(body.extensions?.cost).toMatchObject({ upstreamCalls: 1, credits: 2 });
      const spans = await spansOf(traceId);
      const operation = spans.find((span) => span.kind === SPAN_KIND_SERVER);
      expect(operation).toMatchObject({
        name: 'PerfumeInsight',
        parentSpanId: parentId,
        traceState: 'vendor=42',
        service: 'gateway-under-test',
        attributes: {
          'graphql.operation.type': 'query',
          'graphql.operation.name': 'PerfumeInsight',
          'gateway.outcome': 'ok',
          'gateway.cost.credits': 2,
          'gateway.cost.upstream_calls': 1,
          'gateway.cost.cache_hits': 0,
          'http.response.status_code': 200,
        },
      });
      const attempts = spans.filter((span) => span.name === 'keyapi.attempt');
      expect(attempts).toEqual([
        expect.objectContaining({
          kind: SPAN_KIND_CLIENT,
          parentSpanId: operation?.spanId,
          attributes: expect.objectContaining({
            'gateway.credits': 2,
            'gateway.upstream.attempt': 1,
            'gateway.upstream.sent': true,
            'gateway.upstream.outcome': 'ok',
            'gateway.cache.result': 'miss',
            'http.response.status_code': 200,
          }),
        }),
      ]);
      expect(spans.filter((span) => span.name === 'cache.lookup')).toEqual([
        expect.objectContaining({
          parentSpanId: operation?.spanId,
          attributes: expect.objectContaining({ 'gateway.cache.result': 'miss' }),
        }),
      ]);
      expect(harness.upstream.calls.map((call) => call.traceparent)).toEqual([
        `00-${traceId}-${attempts[0]?.spanId}-01`,
      ]);
      const line = logs.entries().find((entry) => entry.msg === 'operation' && entry.traceId === traceId);
      expect(line).toMatchObject({ operation: 'PerfumeInsight', spanId: operation?.spanId });
    });

    it('records an attempt KeyAPI refused as sent and paid, with its status and code', async () => {
      const { traceId, traceparent } = newTraceparent();
      harness.upstream.setFault('601584', { kind: 'status', status: 503 }, 1);

      await harness.executeText(card('601584'), undefined, { traceparent });

      const [attempt] = (await spansOf(traceId)).filter((span) => span.name === 'keyapi.attempt');
      expect(attempt?.attributes).toMatchObject({
        'gateway.credits': 2,
        'gateway.upstream.sent': true,
        'gateway.upstream.outcome': 'UPSTREAM_UNAVAILABLE',
        'http.response.status_code': 503,
      });
    });

    it('puts a background refresh in a root span of its own, linked to the request that served the stale answer', async () => {
      await harness.executeText(card('601170'));
      clock.advance(11 * MINUTE);
      const { traceId, traceparent } = newTraceparent();

      const { body } = await harness.executeText(card('601170'), undefined, { traceparent });
      await expect.poll(() => harness.upstream.calls.length).toBe(2);

      expect(body.extensions?.stale?.[0]?.reason).toBe('REFRESHING');
      const spans = await spansOf(traceId);
      const operation = spans.find((span) => span.kind === SPAN_KIND_SERVER);
      expect(operation?.attributes).toMatchObject({
        'gateway.cost.credits': 0,
        'gateway.cost.cache_hits': 1,
      });
      expect(spans.find((span) => span.name === 'cache.lookup')?.attributes).toMatchObject({
        'gateway.cache.result': 'stale',
      });
      expect(spans.filter((span) => span.name === 'refresh' || span.name === 'keyapi.attempt')).toEqual([]);
      let refresh: (typeof receiver.spans)[number] | undefined;
      await expect
        .poll(async () => {
          await tracing.flush();
          refresh = receiver.spans.find(
            (span) => span.name === 'refresh' && span.links.some((link) => link.traceId === traceId),
          );
          return refresh;
        })
        .toBeDefined();
      expect(refresh).toMatchObject({
        parentSpanId: '',
        links: [{ traceId, spanId: operation?.spanId }],
        attributes: {
          'gateway.refresh.trigger': 'stale',
          'gateway.refresh.outcome': 'ok',
          'gateway.credits': 2,
        },
      });
      expect(refresh?.traceId).not.toBe(traceId);
      const attempts = (await spansOf(refresh?.traceId ?? '')).filter(
        (span) => span.name === 'keyapi.attempt',
      );
      expect(attempts).toEqual([
        expect.objectContaining({
          parentSpanId: refresh?.spanId,
          attributes: expect.objectContaining({ 'gateway.cache.result': 'stale', 'gateway.credits': 2 }),
        }),
      ]);
      expect(harness.upstream.calls[1]?.traceparent).toBe(`00-${refresh?.traceId}-${attempts[0]?.spanId}-01`);
    });
  });

  describe('instances sharing Redis', () => {
    const prefix = uniquePrefix();
    const env = {
      REDIS_URL: SHARED_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      RESPONSE_CACHE_MAX_ENTRIES: '0',
    };
    const harness = useTestGateway({ env, upstream: { latencyMs: 150 } });
    afterAll(() => deleteKeys(SHARED_REDIS_URL, prefix));

    it('shows the lease: the instance that pays holds it around its attempt, the other waits for its answer', async () => {
      const other = connectGateway(harness.upstream, { env });
      try {
        const first = newTraceparent();
        const second = newTraceparent();

        const paying = harness.executeText(card('601583'), undefined, { traceparent: first.traceparent });
        await expect.poll(() => harness.upstream.calls.length).toBe(1);
        const waiting = other.executeText(card('601583'), undefined, { traceparent: second.traceparent });
        await Promise.all([paying, waiting]);

        const paid = await spansOf(first.traceId);
        const lease = paid.find((span) => span.name === 'lease.acquire');
        expect(lease).toMatchObject({
          parentSpanId: paid.find((span) => span.kind === SPAN_KIND_SERVER)?.spanId,
          attributes: { 'gateway.lease.result': 'paid' },
        });
        expect(paid.find((span) => span.name === 'keyapi.attempt')?.parentSpanId).toBe(lease?.spanId);
        const waited = await spansOf(second.traceId);
        expect(waited.find((span) => span.name === 'lease.wait')?.attributes).toMatchObject({
          'gateway.lease.result': 'landed',
        });
        expect(waited.filter((span) => span.name === 'keyapi.attempt')).toEqual([]);
        expect(harness.upstream.calls).toHaveLength(1);
      } finally {
        await other.close();
      }
    });
  });

  it('exports in the JSON encoding of OTLP/HTTP', () => {
    expect([...receiver.contentTypes]).toEqual(['application/json']);
  });
});
