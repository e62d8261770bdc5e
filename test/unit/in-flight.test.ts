import { describe, expect, it } from 'vitest';
import { createInFlight } from '../../src/loaders/coalescing/in-flight.js';
import { deferred } from '../helpers/deferred.js';

describe('in-flight coalescing', () => {
  it('starts one piece of work per id while it runs, and marks only the first caller leader', async () => {
    const inFlight = createInFlight<string>();
    const work = deferred<string>();
    let starts = 0;
    const start = () => {
      starts += 1;
      return work.promise;
    };

    const first = inFlight.join('a', start);
    const second = inFlight.join('a', start);
    const other = inFlight.join('b', async () => 'b');
    work.resolve('answer');

    expect([first.leader, second.leader, other.leader]).toEqual([true, false, true]);
    expect(await Promise.all([first.promise, second.promise, other.promise])).toEqual([
      'answer',
      'answer',
      'b',
    ]);
    expect(starts).toBe(1);
  });

  it('knows which ids are running and starts a finished id anew', async () => {
    const inFlight = createInFlight<number>();
    let starts = 0;
    const start = async () => ++starts;

    const first = inFlight.join('a', start);
    expect(inFlight.has('a')).toBe(true);
    expect(await first.promise).toBe(1);
    expect(inFlight.has('a')).toBe(false);
    const again = inFlight.join('a', start);

    expect(again.leader).toBe(true);
    expect(await again.promise).toBe(2);
  });

  it('shares a rejection with every caller, then clears it so the next caller starts again', async () => {
    const inFlight = createInFlight<string>();
    const work = deferred<string>();
    const failure = new Error('upstream down');

    const first = inFlight.join('a', () => work.promise);
    const second = inFlight.join('a', async () => 'never');
    work.reject(failure);
    const outcomes = await Promise.allSettled([first.promise, second.promise]);
    const clearedAfterwards = !inFlight.has('a');
    const retry = inFlight.join('a', async () => 'recovered');

    expect(outcomes).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
    expect(clearedAfterwards).toBe(true);
    expect(retry.leader).toBe(true);
    expect(await retry.promise).toBe('recovered');
  });
});
