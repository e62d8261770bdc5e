import { describe, expect, it } from 'vitest';
import { CreditBudgetError } from '../../src/loaders/budget/credit-budget-error.js';
import { budgeted, type Call, createGuard, type Stage } from '../../src/upstream/resilience/guard.js';
import { UpstreamError } from '../../src/upstream/upstream-error.js';

describe('createGuard', () => {
  it('runs the stages outermost first, then sends, and unwinds in reverse', async () => {
    const seen: string[] = [];
    const stage =
      (name: string): Stage =>
      (next) =>
      async (call) => {
        seen.push(`${name} in`);
        const result = await next(call);
        seen.push(`${name} out`);
        return result;
      };
    const guard = createGuard([stage('outer'), stage('middle'), stage('inner')]);

    const result = await guard.run('k', async () => {
      seen.push('send');
      return 42;
    });

    expect(result).toBe(42);
    expect(seen).toEqual([
      'outer in',
      'middle in',
      'inner in',
      'send',
      'inner out',
      'middle out',
      'outer out',
    ]);
  });

  it('hands each stage the scope, the hooks and attempt 1', async () => {
    const calls: Call[] = [];
    const hooks = { beforeAttempt: () => {} };
    const recording: Stage = (next) => (call) => {
      calls.push(call);
      return next(call);
    };
    const guard = createGuard([recording]);

    await guard.run('insight-detail:1', async () => 'sent', hooks);

    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ scope: 'insight-detail:1', attempt: 1, hooks });
  });

  it('sends directly when there are no stages', async () => {
    expect(await createGuard([]).run('k', async () => 'sent')).toBe('sent');
  });
});

describe('budgeted stage', () => {
  function setup(send: () => Promise<unknown>, beforeAttempt: () => void = () => {}) {
    const events: string[] = [];
    const guard = createGuard([budgeted]);
    const run = () =>
      guard.run(
        'k',
        async () => {
          events.push('send');
          return send();
        },
        {
          beforeAttempt: () => {
            events.push('beforeAttempt');
            beforeAttempt();
          },
          notSent: () => {
            events.push('notSent');
          },
        },
      );
    return { events, run };
  }

  it('books the attempt before sending it', async () => {
    const { events, run } = setup(async () => 'answer');

    expect(await run()).toBe('answer');
    expect(events).toEqual(['beforeAttempt', 'send']);
  });

  it('does not send when booking throws', async () => {
    const { events, run } = setup(
      async () => 'answer',
      () => {
        throw new CreditBudgetError('client', 'spent');
      },
    );

    await expect(run()).rejects.toBeInstanceOf(CreditBudgetError);
    expect(events).toEqual(['beforeAttempt']);
  });

  it('hands back an attempt that failed as an UpstreamError with sent: false', async () => {
    const { events, run } = setup(async () => {
      throw new UpstreamError('UPSTREAM_UNAVAILABLE', 'refused', { sent: false });
    });

    await expect(run()).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(events).toEqual(['beforeAttempt', 'send', 'notSent']);
  });

  it.each([
    ['an UpstreamError that was sent', new UpstreamError('UPSTREAM_UNAVAILABLE', 'down', { status: 503 })],
    ['an error that is not an UpstreamError', new Error('bug')],
  ])('keeps the booking for %s', async (_, error) => {
    const { events, run } = setup(async () => {
      throw error;
    });

    await expect(run()).rejects.toBe(error);
    expect(events).toEqual(['beforeAttempt', 'send']);
  });
});
