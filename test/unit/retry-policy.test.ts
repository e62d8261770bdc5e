import { describe, expect, it } from 'vitest';
import type { Call } from '../../src/upstream/resilience/guard.js';
import { type RetryPolicy, retried, retryDelay } from '../../src/upstream/resilience/retry-policy.js';
import { UpstreamError } from '../../src/upstream/upstream-error.js';

const policy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 300,
  maxRetryAfterMs: 2_000,
  maxTotalMs: 5_000,
};
const transient = (details: { retryAfterSeconds?: number } = {}) =>
  new UpstreamError('UPSTREAM_UNAVAILABLE', 'down', { status: 503, retryable: true, ...details });
const always = (value: number) => () => value;

describe('retryDelay', () => {
  it('gives up on an error that is not a retryable UpstreamError', () => {
    expect(retryDelay(new Error('bug'), 1, 0, policy, always(1))).toBeUndefined();
    expect(
      retryDelay(new UpstreamError('UPSTREAM_BAD_REQUEST', 'bad', { status: 400 }), 1, 0, policy, always(1)),
    ).toBeUndefined();
  });

  it('retries a transient failure until maxAttempts attempts were made', () => {
    expect(retryDelay(transient(), 3, 0, policy, always(1))).toBe(300);
    expect(retryDelay(transient(), 4, 0, policy, always(1))).toBeUndefined();
  });

  it('draws full jitter up to the exponential step, which stops growing at maxDelayMs', () => {
    const steps = [1, 2, 3].map((attempt) => retryDelay(transient(), attempt, 0, policy, always(0.999_999)));
    const halves = [1, 2, 3].map((attempt) => retryDelay(transient(), attempt, 0, policy, always(0.5)));

    expect(steps).toEqual([100, 200, 300]);
    expect(halves).toEqual([50, 100, 150]);
    expect(retryDelay(transient(), 1, 0, policy, always(0))).toBe(0);
  });

  it('honours Retry-After instead of jitter, up to maxRetryAfterMs', () => {
    expect(retryDelay(transient({ retryAfterSeconds: 2 }), 1, 0, policy, always(0))).toBe(2_000);
    expect(retryDelay(transient({ retryAfterSeconds: 3 }), 1, 0, policy, always(0))).toBeUndefined();
  });

  it('gives up when the wait would end past maxTotalMs since the first attempt', () => {
    expect(retryDelay(transient(), 1, 4_900, policy, always(1))).toBe(100);
    expect(retryDelay(transient(), 1, 4_901, policy, always(1))).toBeUndefined();
    expect(retryDelay(transient({ retryAfterSeconds: 1 }), 1, 4_500, policy, always(0))).toBeUndefined();
  });
});

describe('retried stage', () => {
  function run(outcomes: Array<unknown | Error>, retryPolicy = policy) {
    const attempts: number[] = [];
    const waits: number[] = [];
    let retries = 0;
    let now = 0;
    const stage = retried(
      retryPolicy,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
      () => now,
      () => {
        retries += 1;
      },
    )(async (call: Call) => {
      attempts.push(call.attempt);
      const outcome = outcomes[call.attempt - 1];
      if (outcome instanceof Error) throw outcome;
      return outcome;
    });
    const result = stage({ scope: 'k', hooks: {}, attempt: 1, send: async () => undefined });
    return { result, attempts, waits, retries: () => retries };
  }

  it('calls the next stage again with attempt 2, 3… until one succeeds', async () => {
    const { result, attempts, waits, retries } = run([transient(), transient(), 'answer']);

    expect(await result).toBe('answer');
    expect(attempts).toEqual([1, 2, 3]);
    expect(retries()).toBe(2);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(200);
  });

  it('gives up after maxAttempts, with the last error', async () => {
    const last = transient();
    const { result, attempts, retries } = run([transient(), transient(), transient(), last, 'never']);

    await expect(result).rejects.toBe(last);
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(retries()).toBe(3);
  });

  it('does not retry a definite answer', async () => {
    const refusal = new UpstreamError('UPSTREAM_BAD_REQUEST', 'bad', { status: 400 });
    const { result, attempts, waits } = run([refusal, 'never']);

    await expect(result).rejects.toBe(refusal);
    expect(attempts).toEqual([1]);
    expect(waits).toEqual([]);
  });

  it('waits what Retry-After asked, and gives up once the total time would pass maxTotalMs', async () => {
    const { result, attempts, waits } = run(
      [
        transient({ retryAfterSeconds: 2 }),
        transient({ retryAfterSeconds: 2 }),
        transient({ retryAfterSeconds: 2 }),
      ],
      { ...policy, maxTotalMs: 4_000 },
    );

    await expect(result).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(waits).toEqual([2_000, 2_000]);
    expect(attempts).toEqual([1, 2, 3]);
  });
});
