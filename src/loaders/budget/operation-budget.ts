import type { AttemptHooks } from '../../upstream/resilience/guard.js';
import { CreditBudgetError } from './credit-budget-error.js';
import type { CreditLedger } from './credit-ledger.js';
import { CREDITS_PER_CALL, type RequestCost } from './request-cost.js';

/**
 * The budget hooks of one operation's attempts: each books its credits against the operation,
 * the client and the day just before it leaves, and gets them back if it never reached KeyAPI.
 */
export function operationBudget(ledger: CreditLedger, maxCallsPerOperation: number) {
  return (cost: RequestCost): AttemptHooks => ({
    async beforeAttempt() {
      if (cost.upstreamCalls >= maxCallsPerOperation) {
        throw new CreditBudgetError(
          'operation',
          `This operation reached its budget of ${maxCallsPerOperation * CREDITS_PER_CALL} credits (${maxCallsPerOperation} upstream calls)`,
        );
      }
      // Counted before the await below, so concurrent attempts cannot all slip under the limit.
      cost.upstreamCalls += 1;
      const refused = await ledger.reserve(cost.clientId, CREDITS_PER_CALL);
      if (!refused) return;
      cost.upstreamCalls -= 1;
      throw new CreditBudgetError(
        refused,
        refused === 'client'
          ? "This client's daily credit budget is spent"
          : "The gateway's daily credit budget is spent",
      );
    },
    async notSent() {
      cost.upstreamCalls -= 1;
      await ledger.refund(cost.clientId, CREDITS_PER_CALL);
    },
  });
}

export type OperationBudget = ReturnType<typeof operationBudget>;
