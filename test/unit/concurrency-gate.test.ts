import { describe, expect, it, vi } from 'vitest';
import { ConcurrencyGate, queued } from '../../src/upstream/resilience/concurrency-gate.js';
import type { Call } from '../../src/upstream/resilience/guard.js';
import { deferred } from '../helpers/deferred.js';

/** Polls briefly until the assertion holds: for work that settles a few ticks later. */
const until = <T>(assertion: () => T | Promise<T>) => vi.waitFor(assertion, { interval: 1 });

/** Tasks the test finishes by hand, recording when each starts and how many run at once. */
function taskBoard() {
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  let running = 0;
  let peak = 0;
  const task = (name: string) => async () => {
    started.push(name);
    running += 1;
    peak = Math.max(peak, running);
    const done = deferred();
    finishers.set(name, done.resolve);
    await done.promise;
    running -= 1;
    return name;
  };
  const finish = (name: string) => {
    const resolve = finishers.get(name);
    if (!resolve) throw new Error(`${name} has not started`);
    resolve();
  };
  return { started, task, finish, peak: () => peak };
}

const unavailable = { name: 'UpstreamError', code: 'UPSTREAM_UNAVAILABLE', sent: false };

describe('concurrency gate', () => {
  it('runs at most maxConcurrent tasks at once and finishes them all', async () => {
    const gate = new ConcurrencyGate({ maxConcurrent: 2, maxQueued: 10, queueTimeoutMs: 5_000 });
    const board = taskBoard();
    const names = ['t1', 't2', 't3', 't4', 't5'];

    const results = names.map((name) => gate.run(board.task(name)));
    for (const name of names) {
      await until(() => expect(board.started).toContain(name));
      board.finish(name);
    }

    expect(await Promise.all(results)).toEqual(names);
    expect(board.peak()).toBe(2);
  });

  it('starts queued tasks in the order they arrived as slots free', async () => {
    const gate = new ConcurrencyGate({ maxConcurrent: 1, maxQueued: 10, queueTimeoutMs: 5_000 });
    const board = taskBoard();

    const results = ['first', 'second', 'third', 'fourth'].map((name) => gate.run(board.task(name)));
    await until(() => expect(board.started).toEqual(['first']));
    board.finish('first');
    await until(() => expect(board.started).toHaveLength(2));
    board.finish('second');
    await until(() => expect(board.started).toHaveLength(3));
    board.finish('third');
    await until(() => expect(board.started).toHaveLength(4));
    board.finish('fourth');
    await Promise.all(results);

    expect(board.started).toEqual(['first', 'second', 'third', 'fourth']);
  });

  it('refuses at once with UPSTREAM_UNAVAILABLE when the queue is full, without running the task', async () => {
    const gate = new ConcurrencyGate({ maxConcurrent: 1, maxQueued: 1, queueTimeoutMs: 5_000 });
    const board = taskBoard();
    const first = gate.run(board.task('first'));
    const second = gate.run(board.task('second'));

    await expect(gate.run(board.task('third'))).rejects.toMatchObject(unavailable);

    expect(board.started).toEqual(['first']);
    board.finish('first');
    await until(() => expect(board.started).toEqual(['first', 'second']));
    board.finish('second');
    expect([await first, await second]).toEqual(['first', 'second']);
  });

  it('rejects a waiter with UPSTREAM_UNAVAILABLE after queueTimeoutMs, and never runs it later', async () => {
    const gate = new ConcurrencyGate({ maxConcurrent: 1, maxQueued: 1, queueTimeoutMs: 30 });
    const board = taskBoard();
    const first = gate.run(board.task('first'));

    await expect(gate.run(board.task('late'))).rejects.toMatchObject(unavailable);
    board.finish('first');
    await first;
    const after = gate.run(board.task('after'));
    await until(() => expect(board.started).toContain('after'));
    board.finish('after');
    await after;

    expect(board.started).toEqual(['first', 'after']);
  });

  it('passes a freed slot straight to the next waiter, ahead of a call that arrives later', async () => {
    const gate = new ConcurrencyGate({ maxConcurrent: 1, maxQueued: 10, queueTimeoutMs: 5_000 });
    const board = taskBoard();
    const first = gate.run(board.task('first'));
    const second = gate.run(board.task('second'));
    await until(() => expect(board.started).toEqual(['first']));

    board.finish('first');
    await first;
    const third = gate.run(board.task('third'));
    await until(() => expect(board.started).toContain('second'));

    expect(board.started).toEqual(['first', 'second']);
    board.finish('second');
    await until(() => expect(board.started).toContain('third'));
    board.finish('third');
    await Promise.all([second, third]);
    expect(board.peak()).toBe(1);
  });

  it('frees the slot when a task fails', async () => {
    const gate = new ConcurrencyGate({ maxConcurrent: 1, maxQueued: 0, queueTimeoutMs: 5_000 });

    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');

    expect(await gate.run(async () => 'next')).toBe('next');
  });

  it('queued runs the rest of the pipeline inside the gate', async () => {
    const gate = new ConcurrencyGate({ maxConcurrent: 1, maxQueued: 0, queueTimeoutMs: 5_000 });
    const board = taskBoard();
    const stage = queued(gate)((call: Call) => board.task(call.scope)());
    const call = (scope: string): Call => ({ scope, hooks: {}, attempt: 1, send: async () => scope });

    const first = stage(call('a'));
    await expect(stage(call('b'))).rejects.toMatchObject(unavailable);
    await until(() => expect(board.started).toEqual(['a']));
    board.finish('a');

    expect(await first).toBe('a');
    expect(board.started).toEqual(['a']);
  });
});
