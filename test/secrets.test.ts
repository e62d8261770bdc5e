import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InsightCardDocument } from '../operations/gql/graphql.js';
import type { Fault } from '../src/demo-upstream/faults.js';
import { containsSecret, createLogger } from '../src/logger.js';
import { BrokenAndHealthyDocument } from './gql/graphql.js';
import { captureLogs } from './helpers/log-capture.js';
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
  const logs = captureLogs();
  // Every fault must reach the stand-in: no retries, no breaker, no remembered refusals, no
  // cool-down; and every log line is written, so provider text reaches the logs to be scrubbed.
  const harness = useTestGateway({
    clock: () => new Date(),
    env: {
      KEYAPI_REQUEST_TIMEOUT_MS: '300',
      KEYAPI_RETRY_MAX_ATTEMPTS: '1',
      KEYAPI_BREAKER_FAILURES: '100',
      CACHE_NEGATIVE_TTL_MS: '0',
      KEYAPI_QUOTA_PAUSE_MS: '1',
      KEYAPI_COOLDOWN_MAX_MS: '1',
      LOG_LEVEL: 'debug',
    },
    deps: { logDestination: logs.stream },
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
    expect(bodies.join('\n')).not.toContain(TEST_API_KEY);
    expect(bodies.join('\n')).not.toContain('received Bearer');
    expect(output.join('\n')).not.toContain(TEST_API_KEY);
    expect(logs.lines.join('\n')).not.toContain(TEST_API_KEY);
    // The provider echoed the key, and the logs kept its words: the redaction, not its absence, is what passed.
    expect(logs.lines.join('\n')).toContain('received Bearer [redacted]');
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

    expect(result.errors?.[0]).toMatchObject({
      message: "KeyAPI rejected the gateway's API key",
      extensions: { code: 'UPSTREAM_UNAUTHORIZED', upstreamStatus: 401 },
    });
    expect(JSON.stringify(result)).not.toContain(TEST_API_KEY);
    expect(JSON.stringify(result)).not.toContain('received');
  });
});

describe('the logger, given a secret in another form', () => {
  const key = TEST_API_KEY;
  const percentEncoded = (text: string) =>
    [...Buffer.from(text)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  const leaks: Record<string, string> = {
    'base64 of the bearer header': Buffer.from(`Bearer ${key}`).toString('base64'),
    // The three byte alignments: the key starts 7, 2 and 6 bytes into the encoded text.
    'base64url after two bytes': Buffer.from(`k=${key}`).toString('base64url'),
    'base64 inside a JSON object': Buffer.from(JSON.stringify({ k: key })).toString('base64'),
    'percent-encoded, lower-case hex': percentEncoded(key),
    'percent-encoded, upper-case hex': percentEncoded(key).toUpperCase(),
    hex: Buffer.from(key).toString('hex'),
    'upper-cased': key.toUpperCase(),
    'its first 20 characters': key.slice(0, 20),
    'a 20-character window from its middle': key.slice(6, 26),
  };

  function logged(secrets: string[], write: (logger: ReturnType<typeof createLogger>) => void) {
    const logs = captureLogs();
    write(createLogger({ level: 'info', secrets, destination: logs.stream }));
    return logs;
  }

  /** Every 16-character run of `text`: none may survive the scrub. */
  const runsOf = (text: string) =>
    Array.from({ length: Math.max(0, text.length - 15) }, (_, start) => text.slice(start, start + 16));

  it.each(Object.entries(leaks))('scrubs the key as %s', (_form, leak) => {
    const logs = logged([key], (logger) => logger.info({ echoed: `upstream said: ${leak}.` }, 'failed'));

    const line = logs.lines[0]?.toLowerCase() ?? '';
    expect(logs.lines).toHaveLength(1);
    expect(line).toContain('[redacted]');
    expect(runsOf(leak.toLowerCase()).filter((run) => line.includes(run))).toEqual([]);
  });

  it('replaces a whole run in one piece, however it is cut', () => {
    const logs = logged([key], (logger) => {
      logger.info(`from the start: ${key.slice(0, 20)}!`);
      logger.info(`off the step: ${key.slice(2, 23)}!`);
      logger.info(`the whole: ${key.toUpperCase()}!`);
      logger.info(`percent: ${percentEncoded(key)}!`);
    });

    expect(logs.entries().map((entry) => entry.msg)).toEqual([
      'from the start: [redacted]!',
      'off the step: [redacted]!',
      'the whole: [redacted]!',
      'percent: [redacted]!',
    ]);
  });

  it('scrubs the escaped and URI-encoded forms of a secret with special characters', () => {
    const token = 'tok/en+"with"=special&chars!0123';
    const logs = logged([token], (logger) =>
      logger.info({ body: token, query: `?token=${encodeURIComponent(token)}` }, 'request'),
    );

    expect(logs.entries()[0]).toMatchObject({ body: '[redacted]', query: '?token=[redacted]' });
  });

  it('leaves lines without a secret as they are', () => {
    const fields = {
      requestId: '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      operation: 'InsightCard',
      outcome: 'ok',
      durationMs: 12.3,
      cost: { upstreamCalls: 1, cacheHits: 0, coalesced: 0, credits: 2 },
      note: `a prefix too short to count: ${key.slice(0, 15)}`,
    };
    const scrubbed = logged([key], (logger) => logger.info(fields, 'operation'));
    const plain = logged([], (logger) => logger.info(fields, 'operation'));

    const withoutTime = ({ time: _time, ...entry }: Record<string, unknown>) => entry;
    expect(scrubbed.entries().map(withoutTime)).toEqual(plain.entries().map(withoutTime));
    expect(scrubbed.lines[0]).not.toContain('[redacted]');
  });

  it('tells whether a text carries a secret, for callers that must refuse it rather than scrub it', () => {
    const isSecret = containsSecret([key]);

    expect(Object.values(leaks).every(isSecret)).toBe(true);
    expect(isSecret('InsightCard')).toBe(false);
    expect(containsSecret([])(key)).toBe(false);
  });
});
