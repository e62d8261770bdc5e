import { type DocumentNode, getOperationAST, parse } from 'graphql';
import type { LRUCache } from 'lru-cache';
import { describe, expect, it } from 'vitest';
import { containsSecret } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';
import { boundedParserCache } from '../src/server/parser-cache.js';
import { captureLogs } from './helpers/log-capture.js';
import { connectGateway, TEST_API_KEY, useTestGateway } from './helpers/test-gateway.js';

/** The distinct values of the `operation` label of the operations histogram. */
function operationLabels(metrics: string): Set<string> {
  const sample = /^gateway_operation_duration_seconds_count\{operation="((?:[^"\\]|\\.)*)"/gm;
  return new Set([...metrics.matchAll(sample)].map((match) => match[1] ?? ''));
}

/** One of the kinds of request a client could send to grow the label set, by index. */
function requestNumber(index: number): { query: string; operationName?: string } {
  const name = `Op_${index.toString(36)}_${((index * 2_654_435_761) >>> 0).toString(36)}`;
  switch (index % 6) {
    case 0:
      return { query: `{ ${name} (`, operationName: `${name} "quoted" ${'x'.repeat(index % 300)}` };
    case 1:
      return { query: `query ${name} { __typename }`, operationName: name };
    case 2:
      return { query: `query ${name} { __typename }` };
    case 3:
      return [
        { query: `query ${TEST_API_KEY} { __typename }`, operationName: TEST_API_KEY },
        { query: `query ${name}_${TEST_API_KEY} { __typename }` },
        { query: 'not GraphQL', operationName: TEST_API_KEY },
      ][Math.floor(index / 6) % 3] as { query: string; operationName?: string };
    case 4:
      return { query: `query ${name} { __typename }`, operationName: `Not${name}` };
    default:
      return { query: '{ __typename }' };
  }
}

describe('the operation label', () => {
  const harness = useTestGateway();

  it('takes a bounded set of values whatever names clients send, and never the API key', async () => {
    for (let index = 0; index < 3_000; index++) {
      const response = await harness.gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify(requestNumber(index)),
      });
      await response.arrayBuffer();
    }

    const metrics = await harness.metricsText();
    const labels = operationLabels(metrics);
    expect(labels.size).toBeGreaterThan(100);
    expect(labels.size).toBeLessThanOrEqual(100 + ['anonymous', 'other', 'unparsed'].length);
    expect([...labels].filter((label) => !label.startsWith('Op_')).sort()).toEqual([
      'anonymous',
      'other',
      'unparsed',
    ]);
    expect(metrics.toLowerCase()).not.toContain(TEST_API_KEY.toLowerCase());
    expect(metrics.length).toBeLessThan(512 * 1024);
  }, 60_000);

  it('caps the name a log line shows, and counts it as unparsed when nothing parsed', async () => {
    const logs = captureLogs();
    const gateway = connectGateway(harness.upstream, {
      env: { LOG_LEVEL: 'info' },
      deps: { logDestination: logs.stream },
    });
    try {
      await gateway.gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ nope (', operationName: 'N'.repeat(10_000) }),
      });
      const metrics = await gateway.metricsText();

      expect(logs.entries().find((entry) => entry.msg === 'operation')).toMatchObject({
        operation: 'N'.repeat(100),
        outcome: 'error',
      });
      expect([...operationLabels(metrics)]).toEqual(['unparsed']);
    } finally {
      await gateway.close();
    }
  });
});

describe('the operation label, given the operation of a parsed document', () => {
  const operationOf = (query: string) => getOperationAST(parse(query));

  it('names only the known operations when there are known names (trusted documents)', () => {
    const { operationLabel } = createMetrics({
      knownOperationNames: ['InsightCard', `Leak_${TEST_API_KEY}`],
      isSecret: containsSecret([TEST_API_KEY]),
    });

    expect(
      ['query InsightCard { a }', 'query Other { a }', '{ a }', `query Leak_${TEST_API_KEY} { a }`].map(
        (query) => operationLabel(operationOf(query)),
      ),
    ).toEqual(['InsightCard', 'other', 'anonymous', 'other']);
  });

  it('keeps the first names up to the cap, and refuses secrets and overlong names', () => {
    const isSecret = (text: string) => text.includes('Secret');
    const { operationLabel } = createMetrics({ maxOperationNames: 2, isSecret });
    const label = (name: string) => operationLabel(operationOf(`query ${name} { a }`));

    expect(['A', 'MySecret', `L${'o'.repeat(100)}ng`, 'B', 'C', 'A'].map(label)).toEqual([
      'A',
      'other',
      'other',
      'B',
      'other',
      'A',
    ]);
    expect(operationLabel(getOperationAST(parse('query A { a } query B { a }')))).toBe('other');
  });
});

describe('process metrics', () => {
  const harness = useTestGateway();

  it('reports memory, CPU, event-loop lag and garbage collection', async () => {
    const metrics = await harness.metricsText();

    for (const name of [
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_gc_duration_seconds',
    ]) {
      expect(metrics).toContain(`# TYPE ${name} `);
    }
  });

  it('are collected once per process, so another gateway starts no GC observer or lag timer', () => {
    const [first, second] = [createMetrics(), createMetrics()];

    expect(second.registry.getSingleMetric('nodejs_gc_duration_seconds')).toBe(
      first.registry.getSingleMetric('nodejs_gc_duration_seconds'),
    );
    expect(second.registry.getSingleMetric('nodejs_eventloop_lag_seconds')).toBe(
      first.registry.getSingleMetric('nodejs_eventloop_lag_seconds'),
    );
    expect(second.operations).not.toBe(first.operations);
  });
});

describe("yoga's parser cache", () => {
  it('is bounded by bytes: large distinct documents and garbage evict the oldest', () => {
    const { documentCache, errorCache } = boundedParserCache() as {
      documentCache: LRUCache<string, DocumentNode>;
      errorCache: LRUCache<string, object>;
    };
    const fields = Array.from({ length: 300 }, (_, index) => `f${index}`).join(' ');
    for (let index = 0; index < 1_000; index++) {
      const text = `query Q${index} { categoryInsight(id: "1") { ${fields} } }`;
      documentCache.set(text, parse(text));
      errorCache.set(`${'x'.repeat(60_000)}${index}`, new Error('Syntax Error'));
    }

    expect(documentCache.calculatedSize).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(documentCache.size).toBeLessThan(1_000);
    expect(documentCache.has(`query Q999 { categoryInsight(id: "1") { ${fields} } }`)).toBe(true);
    expect(errorCache.calculatedSize).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(errorCache.size).toBeLessThanOrEqual(34);
  });
});
