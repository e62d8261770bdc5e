import {
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';
import { type DocumentNode, type ExecutionResult, getOperationAST } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { RequestCost } from '../loaders/budget/request-cost.js';
import { GRAPHQL_PATH, pathOf } from '../request-path.js';
import { isDocument, isFinalPart, outcomeOf, singleResult } from './operation-outcome.js';
import { annotate, tracer } from './tracer.js';

interface Traced {
  span: Span;
  /** An incremental answer: the span ends with its last part, not with the response's headers. */
  streaming: boolean;
}

type Cost = ReturnType<RequestCost['summary']>;

const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

/** The operation's outcome and cost on its span, and an error status when nothing came back. */
function annotateOutcome(span: Span | undefined, result: ExecutionResult, cost: Cost | undefined) {
  const outcome = outcomeOf(result);
  annotate(span, () => ({
    'gateway.outcome': outcome,
    'gateway.cost.credits': cost?.credits ?? 0,
    'gateway.cost.upstream_calls': cost?.upstreamCalls ?? 0,
    'gateway.cost.cache_hits': cost?.cacheHits ?? 0,
    'gateway.cost.coalesced': cost?.coalesced ?? 0,
    ...(result.errors?.length && {
      'gateway.error_codes': result.errors.map((error) => String(error.extensions?.code ?? 'GRAPHQL_ERROR')),
    }),
  }));
  if (outcome === 'error') span?.setStatus({ code: SpanStatusCode.ERROR });
}

/** The span takes the operation's name and type once its document parses. */
function nameAfterOperation(span: Span, document: DocumentNode, operationName: string | undefined) {
  const operation = getOperationAST(document, operationName);
  if (!operation) return;
  const name = operation.name?.value;
  if (name) span.updateName(name);
  span.setAttribute('graphql.operation.type', operation.operation);
  if (name) span.setAttribute('graphql.operation.name', name);
}

/**
 * One server span per request to `/graphql`, the child of the caller's `traceparent` when it
 * sent one, and active around every later hook, resolver, loader and upstream attempt, so their
 * spans and log lines belong to it. Named after the operation once its document parses
 * (`anonymous` until then, and for a replay from the response cache, which never parses one).
 * Built only when tracing is on: off, yoga runs no instrumentation at all.
 */
export function useOperationSpan(): Plugin<{ cost: RequestCost }> {
  const traced = new WeakMap<Request, Traced>();
  const finish = (request: Request, result: ExecutionResult, cost: Cost | undefined) =>
    annotateOutcome(traced.get(request)?.span, result, cost);
  return {
    instrumentation: {
      async request({ request }, wrapped) {
        if (pathOf(request.url) !== GRAPHQL_PATH) return wrapped();
        const parent = propagation.extract(context.active(), request.headers, headerGetter);
        const span = tracer.startSpan('anonymous', { kind: SpanKind.SERVER }, parent);
        const state: Traced = { span, streaming: false };
        traced.set(request, state);
        try {
          await context.with(trace.setSpan(parent, span), wrapped);
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          if (!state.streaming) span.end();
        }
      },
    },
    onParse({ context: { request, params } }) {
      return ({ result }) => {
        const span = traced.get(request)?.span;
        if (span && isDocument(result)) nameAfterOperation(span, result, params.operationName);
      };
    },
    onExecute({ args }) {
      const { request, cost } = args.contextValue as { request: Request; cost: RequestCost };
      return {
        onExecuteDone({ result }) {
          const state = traced.get(request);
          if (!state || !isAsyncIterable(result)) return;
          state.streaming = true;
          return {
            onNext({ result: part }) {
              if (!isFinalPart(part)) return;
              finish(request, part, cost.summary());
              state.span.end();
            },
          };
        },
      };
    },
    onResultProcess({ request, result }) {
      const single = singleResult(result);
      if (single) finish(request, single, single.extensions?.cost as Cost | undefined);
    },
    onResponse({ request, response }) {
      traced.get(request)?.span.setAttribute('http.response.status_code', response.status);
    },
  };
}
