import { type ExecutionResult, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { requestIdOf } from './request-id.js';

interface Started {
  at: number;
  operation: string;
}

function outcomeOf(result: ExecutionResult): 'ok' | 'partial' | 'error' {
  if (!result.errors?.length) return 'ok';
  const data = result.data as Record<string, unknown> | null | undefined;
  return data && Object.values(data).some((value) => value !== null) ? 'partial' : 'error';
}

/**
 * One log line and one histogram sample per GraphQL operation, refused ones included: name,
 * outcome, duration, and what it cost.
 */
export function useOperationTelemetry(logger: Logger, metrics: Metrics): Plugin {
  const started = new WeakMap<Request, Started>();
  return {
    onParams({ request, params }) {
      started.set(request, { at: performance.now(), operation: params.operationName ?? 'anonymous' });
    },
    onExecute({ args }) {
      // Clients often omit `operationName`; the parsed document still names the operation.
      const start = started.get((args.contextValue as { request: Request }).request);
      const name = getOperationAST(args.document, args.operationName)?.name?.value;
      if (start && name) start.operation = name;
    },
    onResultProcess({ request, result }) {
      const start = started.get(request);
      if (!start || Array.isArray(result) || !('errors' in result || 'data' in result)) return;
      const outcome = outcomeOf(result as ExecutionResult);
      const seconds = (performance.now() - start.at) / 1000;
      metrics.operations.observe({ operation: start.operation, outcome }, seconds);
      logger.info(
        {
          requestId: requestIdOf(request),
          operation: start.operation,
          outcome,
          durationMs: Math.round(seconds * 10_000) / 10,
          cost: (result as ExecutionResult).extensions?.cost,
          errors: (result as ExecutionResult).errors?.map(
            (error) => error.extensions?.code ?? 'GRAPHQL_ERROR',
          ),
        },
        'operation',
      );
    },
  };
}
