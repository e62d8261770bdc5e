import { describe, expect, it } from 'vitest';
import { CreditBudgetError } from '../../src/loaders/budget/credit-budget-error.js';
import { createCreditLedger } from '../../src/loaders/budget/credit-ledger.js';
import { operationBudget } from '../../src/loaders/budget/operation-budget.js';
import { CREDITS_PER_CALL, RequestCost } from '../../src/loaders/budget/request-cost.js';
import { createHandClock } from '../helpers/hand-clock.js';

function setup(caps = { perClient: 100, global: 100 }, maxCallsPerOperation = 3) {
  const ledger = createCreditLedger(caps, createHandClock());
  const budget = operationBudget(ledger, maxCallsPerOperation);
  const cost = new RequestCost('client-a', 'request-1');
  return { ledger, cost, hooks: budget(cost), budget };
}

async function refusal(attempt: Promise<void> | void): Promise<CreditBudgetError> {
  try {
    await attempt;
  } catch (error) {
    expect(error).toBeInstanceOf(CreditBudgetError);
    return error as CreditBudgetError;
  }
  throw new Error('the attempt was not refused');
}

describe('operation budget', () => {
  it('books each attempt with the operation and the ledger', async () => {
    const { ledger, cost, hooks } = setup();

    await hooks.beforeAttempt?.();
    await hooks.beforeAttempt?.();

    expect(cost.upstreamCalls).toBe(2);
    expect(await ledger.remaining('client-a')).toEqual({
      client: 100 - 2 * CREDITS_PER_CALL,
      global: 100 - 2 * CREDITS_PER_CALL,
    });
  });

  it('refuses the attempt past the per-operation cap without booking it', async () => {
    const { ledger, cost, hooks } = setup(undefined, 2);
    await hooks.beforeAttempt?.();
    await hooks.beforeAttempt?.();

    const error = await refusal(hooks.beforeAttempt?.());

    expect(error.budget).toBe('operation');
    expect(error.code).toBe('CREDIT_BUDGET_EXCEEDED');
    expect(cost.upstreamCalls).toBe(2);
    expect((await ledger.remaining('client-a')).client).toBe(100 - 2 * CREDITS_PER_CALL);
  });

  it('lets only as many concurrent attempts through as the operation allows', async () => {
    const { cost, hooks } = setup(undefined, 2);

    const outcomes = await Promise.allSettled([1, 2, 3].map(() => hooks.beforeAttempt?.()));

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(cost.upstreamCalls).toBe(2);
  });

  it.each([
    ['client', { perClient: 2 * CREDITS_PER_CALL, global: 100 }],
    ['global', { perClient: 100, global: 2 * CREDITS_PER_CALL }],
  ] as const)('maps a %s cap refusal to CreditBudgetError and un-counts the attempt', async (scope, caps) => {
    const { cost, hooks } = setup(caps);
    await hooks.beforeAttempt?.();
    await hooks.beforeAttempt?.();

    const error = await refusal(hooks.beforeAttempt?.());

    expect(error.budget).toBe(scope);
    expect(cost.upstreamCalls).toBe(2);
  });

  it('refunds an attempt that never reached KeyAPI, to the operation and the ledger', async () => {
    const { ledger, cost, hooks } = setup(undefined, 1);
    await hooks.beforeAttempt?.();

    await hooks.notSent?.();

    expect(cost.upstreamCalls).toBe(0);
    expect(await ledger.remaining('client-a')).toEqual({ client: 100, global: 100 });
    await hooks.beforeAttempt?.();
    expect(cost.upstreamCalls).toBe(1);
  });
});
