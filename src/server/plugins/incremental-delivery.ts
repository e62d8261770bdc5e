import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, type MaskError, type Plugin, type YogaLogger } from 'graphql-yoga';

/** Yoga's `maskedErrors.errorMessage` default, which the gateway keeps. */
const UNEXPECTED = 'Unexpected error.';

type IncrementalPayload = ExecutionResult & {
  incremental?: ReadonlyArray<{ errors?: ReadonlyArray<Error> }>;
};

/**
 * @defer and @stream. The plugin adds the directives to the schema yoga executes (graphql 16 has
 * none), not to the printed subgraph schema. Yoga masks each payload's top-level `errors` but not
 * those inside `incremental`, so a deferred field's typed failure would lose its `extensions.code`
 * and an unexpected one would show its internal message; this masks them with the same function.
 */
export function useIncrementalDelivery(maskError: MaskError): Plugin {
  let logger: YogaLogger | undefined;
  const mask = (error: Error) => {
    const masked = maskError(error, UNEXPECTED);
    // As yoga does for the errors it masks: the client sees the mask, the log the cause.
    if (masked !== error) logger?.error(error);
    return masked;
  };
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(useDeferStream() as Plugin);
    },
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },
    onExecute() {
      return {
        onExecuteDone({ result }) {
          if (!isAsyncIterable(result)) return;
          return {
            onNext({ result, setResult }) {
              const { incremental } = result as IncrementalPayload;
              if (!incremental?.some((part) => part.errors?.length)) return;
              const masked: IncrementalPayload = {
                ...result,
                incremental: incremental.map((part) =>
                  part.errors ? { ...part, errors: part.errors.map(mask) } : part,
                ),
              };
              setResult(masked);
            },
          };
        },
      };
    },
  };
}
