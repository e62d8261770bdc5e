import { type ExecutionResult, getOperationAST } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { RequestCost } from '../../loaders/budget/request-cost.js';
import type { Logger } from '../../logger.js';
import { type Metrics, UNPARSED_OPERATION } from '../../metrics.js';
import { isDocument, isFinalPart, outcomeOf, singleResult } from '../../telemetry/operation-outcome.js';
import { requestIdOf } from './request-id.js';

interface Started {
  at: number;
  /** The metric label, from a bounded set (see `metrics.operationLabel`). */
  label: string;
  /** The name the log line shows: the client's `operationName` until a document parses. */
  name: string | undefined;
}

/** Log lines keep names whole up to here; a client may send any length. */
const MAX_LOGGED_NAME_LENGTH = 100;
// Yoga checks the params' shape after this plugin reads them: a name may be any JSON value yet.
const capped = (name: unknown) =>
  typeof name === 'string' ? name.slice(0, MAX_LOGGED_NAME_LENGTH) : undefined;
/**
 * One log line and one histogram sample per GraphQL operation, refused ones included: name,
 * outcome, duration, and what it cost. The histogram's label names only operations of parsed
 * documents, bounded by `metrics.operationLabel`. Requests that reach no parsed document are
 * `unparsed`, not `other`, so junk and refusals stay apart from real operations past the cap.
 */
export function useOperationTelemetry(logger: Logger, metrics: Metrics, monotonic: () => number): Plugin {
  const started = new WeakMap<Request, Started>();
  const tell = (request: Request, result: ExecutionResult, cost = result.extensions?.cost) => {
    const start = started.get(request);
    if (!start) return;
    const outcome = outcomeOf(result);
    const seconds = (monotonic() - start.at) / 1000;
    metrics.operations.observe({ operation: start.label, outcome }, seconds);
    logger.info(
      {
        requestId: requestIdOf(request),
        operation: start.name ?? start.label,
        outcome,
        durationMs: Math.round(seconds * 10_000) / 10,
        cost,
        errors: result.errors?.map((error) => error.extensions?.code ?? 'GRAPHQL_ERROR'),
      },
      'operation',
    );
  };
  return {
    onParams({ request, params }) {
      started.set(request, {
        at: monotonic(),
        label: UNPARSED_OPERATION,
        name: capped(params.operationName),
      });
    },
    onParse({ context }) {
      return ({ result }) => {
        const start = started.get(context.request);
        if (!start || !isDocument(result)) return;
        // Clients often omit `operationName`, and may send any; the parsed document names the operation.
        const operation = getOperationAST(result, context.params.operationName);
        start.label = metrics.operationLabel(operation);
        start.name = capped(operation?.name?.value) ?? start.name;
      };
    },
    onExecute({ args }) {
      const { request, cost } = args.contextValue as { request?: Request; cost?: RequestCost };
      return {
        // An incremental answer ends with its last part; the operation's cost is its account's total.
        onExecuteDone: ({ result }) =>
          isAsyncIterable(result) && request
            ? {
                onNext: ({ result: part }) => {
                  if (isFinalPart(part)) tell(request, part, cost?.summary());
                },
              }
            : undefined,
      };
    },
    onResultProcess({ request, result }) {
      const single = singleResult(result);
      if (single) tell(request, single);
    },
  };
}
