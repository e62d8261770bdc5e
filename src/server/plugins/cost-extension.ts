import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { RequestCost } from '../../loaders/budget/request-cost.js';

/**
 * Puts what the operation cost in `extensions.cost`, and any answers served stale in
 * `extensions.stale`, so a frontend developer sees in GraphiQL what a query spent.
 */
export function useCostExtension(): Plugin<{ cost: RequestCost }> {
  return {
    onExecute({ args }) {
      const { cost } = args.contextValue;
      return {
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result)) return;
          setResult({
            ...result,
            extensions: {
              ...result.extensions,
              cost: cost.summary(),
              ...(cost.stale.length > 0 ? { stale: cost.stale } : {}),
            },
          });
        },
      };
    },
  };
}
