import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { RequestCost } from '../../loaders/budget/request-cost.js';
import { isFinalPart } from '../../telemetry/operation-outcome.js';

/**
 * Puts what the operation cost in `extensions.cost`, and any answers served stale in
 * `extensions.stale`, so a frontend developer sees in GraphiQL what a query spent. With @defer or
 * @stream they go on the last payload only (`hasNext: false`), with the whole operation's totals:
 * a running total on earlier payloads would read as the price of a query that is not done yet.
 */
export function useCostExtension(): Plugin<{ cost: RequestCost }> {
  return {
    onExecute({ args }) {
      const { cost } = args.contextValue;
      const withCost = (result: ExecutionResult) => ({
        ...result,
        extensions: {
          ...result.extensions,
          cost: cost.summary(),
          ...(cost.stale.length > 0 ? { stale: cost.stale } : {}),
        },
      });
      return {
        onExecuteDone({ result, setResult }) {
          if (!isAsyncIterable(result)) return setResult(withCost(result));
          return {
            onNext({ result, setResult }) {
              if (isFinalPart(result)) setResult(withCost(result));
            },
          };
        },
      };
    },
  };
}
