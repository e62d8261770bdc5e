import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Clock } from '../../clock.js';
import type { CreditLedger } from '../../loaders/budget/credit-ledger.js';
import type { RequestCost } from '../../loaders/budget/request-cost.js';
import type { Fetchers } from '../../loaders/request-loaders.js';
import { analyzeOperation, type PricedKey } from '../operation-analysis.js';

export interface CreditPrecheckOptions {
  /** Each paid source's fetcher, which knows whether a key would need a call now. */
  fetchers: Fetchers;
  ledger: CreditLedger;
  perOperationCredits: number;
  clock: Clock;
}

/**
 * Refuses, before any call, an operation with an argument its field refuses, one too large to
 * analyse, or one whose least possible cost (its root keys that are neither cached nor already
 * being fetched, each at its field's `@cost` weight) is more than it may spend.
 */
export function useCreditPrecheck(options: CreditPrecheckOptions): Plugin<{ cost: RequestCost }> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const { cost } = args.contextValue;
      const analysis = analyzeOperation(
        args.schema,
        args.document,
        args.operationName,
        args.variableValues,
        options.clock.now(),
      );
      const refusal =
        'refusal' in analysis ? analysis.refusal : await budgetRefusal(analysis.keys, cost, options);
      if (refusal) setResultAndStopExecution({ errors: [refusal], extensions: { cost: cost.summary() } });
    },
  };
}

async function budgetRefusal(
  keys: PricedKey[],
  cost: RequestCost,
  options: CreditPrecheckOptions,
): Promise<GraphQLError | undefined> {
  if (keys.length === 0) return undefined;
  const remaining = await options.ledger.remaining(cost.clientId);
  const allowedAtMost = Math.min(options.perOperationCredits, remaining.client, remaining.global);
  // The common case: even with nothing cached the operation fits, so no cache lookups.
  if (sumCredits(keys) <= allowedAtMost) return undefined;
  const uncached: PricedKey[] = [];
  for (const priced of keys) {
    if (await options.fetchers.get(priced.source.name)?.needsUpstream(priced.key)) uncached.push(priced);
  }
  const [budget, allowed] = (
    [
      ['operation', options.perOperationCredits],
      ['client', remaining.client],
      ['global', remaining.global],
    ] as const
  ).reduce((tightest, entry) => (entry[1] < tightest[1] ? entry : tightest));
  const needed = sumCredits(uncached);
  if (uncached.length === 0 || needed <= allowed) return undefined;
  return new GraphQLError(
    `This operation needs at least ${needed} credits (${uncached.length} upstream calls), more than its ${budget} budget of ${Math.max(0, allowed)} credits allows; nothing was spent`,
    {
      extensions: {
        code: 'CREDIT_BUDGET_EXCEEDED',
        budget,
        neededCredits: needed,
        allowedCredits: Math.max(0, allowed),
      },
    },
  );
}

function sumCredits(keys: readonly PricedKey[]): number {
  return keys.reduce((sum, { credits }) => sum + credits, 0);
}
