import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fault } from '../src/demo-upstream/demo-upstream.js';
import { BrokenAndHealthyDocument, InsightCardDocument } from './gql/graphql.js';
import { TEST_API_KEY, useTestGateway } from './helpers/test-gateway.js';

const faults: Fault[] = [
  { kind: 'status', status: 400, message: 'bad', echoAuthorization: true },
  { kind: 'status', status: 401, message: 'apiKey is invalid', echoAuthorization: true },
  { kind: 'status', status: 402, echoAuthorization: true },
  { kind: 'status', status: 403, echoAuthorization: true },
  { kind: 'status', status: 429, echoAuthorization: true, retryAfter: '1' },
  { kind: 'status', status: 500, echoAuthorization: true },
  { kind: 'business-error', code: 7, message: `key ${TEST_API_KEY} has no access` },
  { kind: 'hang' },
  { kind: 'reset' },
  { kind: 'reset-mid-body' },
  { kind: 'non-json' },
  { kind: 'malformed' },
  { kind: 'oversize', bytes: 2_000_000 },
];

describe('the API key', () => {
  // Every fault must reach the stand-in: no retries, no breaker, no remembered refusals.
  const harness = useTestGateway({
    clock: () => new Date(),
    env: {
      KEYAPI_REQUEST_TIMEOUT_MS: '300',
      KEYAPI_RETRY_MAX_ATTEMPTS: '1',
      KEYAPI_BREAKER_FAILURES: '100',
      CACHE_NEGATIVE_TTL_MS: '0',
      KEYAPI_QUOTA_PAUSE_MS: '1',
    },
  });
  let output: string[] = [];
  const restore: Array<() => void> = [];

  // Everything the process prints, whichever logger or stream it goes through.
  beforeEach(() => {
    output = [];
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        output.push(String(chunk));
        return write(chunk, ...rest);
      }) as typeof stream.write;
      restore.push(() => {
        stream.write = write;
      });
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const original = console[method];
      console[method] = (...args: unknown[]) => {
        output.push(
          args
            .map((arg) => (arg instanceof Error ? `${arg.stack} ${JSON.stringify(arg)}` : String(arg)))
            .join(' '),
        );
        original(...args);
      };
      restore.push(() => {
        console[method] = original;
      });
    }
  });
  afterEach(() => {
    for (const undo of restore.splice(0)) undo();
  });

  it('is sent upstream as a bearer token', async () => {
    await harness.execute(InsightCardDocument, { id: '601583' });

    expect(harness.upstream.calls[0]?.authorization).toBe(`Bearer ${TEST_API_KEY}`);
  });

  it('never appears in a response, an error or a log line, whatever the upstream does', async () => {
    const bodies: string[] = [];
    for (const fault of faults) {
      harness.upstream.setFault('601584', fault);
      const response = await harness.gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query:
            'query ($b: ID!, $h: ID!) { broken: categoryInsight(id: $b) { id title } healthy: categoryInsight(id: $h) { id } }',
          variables: { b: '601584', h: '601583' },
        }),
      });
      bodies.push(await response.text());
    }

    expect(bodies).toHaveLength(faults.length);
    expect(bodies.join('\n')).toContain('[redacted]');
    expect(bodies.join('\n')).not.toContain(TEST_API_KEY);
    expect(output.join('\n')).not.toContain(TEST_API_KEY);
    // The stand-in really did receive the key each time: the redaction, not its absence, is what passed.
    // Each fault once, and the healthy sibling once (then from the cache).
    expect(harness.upstream.calls.filter((call) => call.authorization?.includes(TEST_API_KEY))).toHaveLength(
      faults.length + 1,
    );
  });

  it('stays out of typed operation results', async () => {
    harness.upstream.setFault('601584', { kind: 'status', status: 401, echoAuthorization: true });

    const result = await harness.execute(BrokenAndHealthyDocument, {
      brokenId: '601584',
      healthyId: '601583',
    });

    expect(result.errors?.[0]?.extensions?.upstreamMessage).toBe('error (received Bearer [redacted])');
    expect(JSON.stringify(result)).not.toContain(TEST_API_KEY);
  });
});
