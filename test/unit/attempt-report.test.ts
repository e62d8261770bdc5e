import { describe, expect, it } from 'vitest';
import { type AttemptReport, reported } from '../../src/upstream/resilience/attempt-report.js';
import type { Call } from '../../src/upstream/resilience/guard.js';
import { UpstreamError } from '../../src/upstream/upstream-error.js';

function setup(outcome: () => Promise<unknown>) {
  const reports: AttemptReport[] = [];
  let now = 1_000;
  const stage = reported(
    (report) => reports.push(report),
    () => now,
  )(async () => {
    now += 250;
    return outcome();
  });
  const call: Call = { scope: 'insight-detail:1', hooks: {}, attempt: 2, send: async () => undefined };
  return { reports, run: () => stage(call) };
}

describe('reported stage', () => {
  it('reports an answered attempt as ok, 200, sent, with its duration', async () => {
    const { reports, run } = setup(async () => 'answer');

    expect(await run()).toBe('answer');
    expect(reports).toEqual([
      { scope: 'insight-detail:1', attempt: 2, outcome: 'ok', status: 200, seconds: 0.25, sent: true },
    ]);
  });

  it('reports a failed attempt with its code, status and whether it was sent', async () => {
    const error = new UpstreamError('UPSTREAM_UNAVAILABLE', 'down', { status: 503 });
    const { reports, run } = setup(async () => Promise.reject(error));

    await expect(run()).rejects.toBe(error);
    expect(reports).toEqual([
      {
        scope: 'insight-detail:1',
        attempt: 2,
        outcome: 'UPSTREAM_UNAVAILABLE',
        status: 503,
        seconds: 0.25,
        sent: true,
        error,
      },
    ]);
  });

  it('reports an attempt that never reached KeyAPI as unsent, status 0', async () => {
    const error = new UpstreamError('UPSTREAM_UNAVAILABLE', 'refused', {
      sent: false,
      reason: 'ECONNREFUSED',
    });
    const { reports, run } = setup(async () => Promise.reject(error));

    await expect(run()).rejects.toBe(error);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ outcome: 'UPSTREAM_UNAVAILABLE', status: 0, sent: false, error });
  });

  it('reports an unexpected error as INTERNAL and unsent, without an error attached', async () => {
    const { reports, run } = setup(async () => Promise.reject(new TypeError('bug')));

    await expect(run()).rejects.toThrow(TypeError);
    expect(reports).toEqual([
      { scope: 'insight-detail:1', attempt: 2, outcome: 'INTERNAL', status: 0, seconds: 0.25, sent: false },
    ]);
  });
});
