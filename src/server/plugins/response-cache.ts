import { type DocumentNode, type ExecutionResult, getOperationAST } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock.js';
import type { RequestCost } from '../../loaders/budget/request-cost.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import { GRAPHQL_PATH } from '../../request-path.js';
import { bearerToken } from '../client-identity.js';
import { regularMediaType } from '../response-media-type.js';
import {
  dataJsonOf,
  forReplay,
  noteServed,
  type ServedInsights,
  servedBy,
  servedInsights,
} from '../served-insights.js';
import { bodyText, isJsonPost } from './request-body.js';
import { requestIdOf } from './request-id.js';

export interface ResponseCacheOptions {
  maxEntries: number;
  maxBytes: number;
  /** The longest a response is replayed, even one that served no insight. */
  maxAgeMs: number;
  /** Requests above this size are left to yoga, which refuses them. */
  maxRequestBytes: number;
  /** When set, only requests carrying one of these tokens are replayed; yoga refuses the rest. */
  tokens: ReadonlyMap<string, string>;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
}

/** The execution whose result may be stored. */
interface Executed {
  document: DocumentNode;
  operationName?: string | null;
  contextValue: { cost: RequestCost; request: Request };
}

interface Entry {
  body: string;
  operation: string;
  expiresAt: number;
  /** What the response served, for the caching headers of every replay. */
  served?: ServedInsights;
}

/**
 * Replays a whole response for a repeated request while every insight in it is still fresh.
 * This is the dashboard's warm path: parsing, validation and execution are skipped, and so is
 * yoga's request parsing, which costs more than the rest together. Only JSON POSTs under the
 * body cap, with a valid token when tokens are configured, are replayed, so authentication,
 * CSRF prevention and the size limit keep their meaning. A replay is free, and says so in
 * `extensions.cost`.
 */
export function useResponseCache(
  options: ResponseCacheOptions,
): Plugin<{ cost: RequestCost; request: Request }> {
  const cache = new LRUCache<string, Entry>({
    max: options.maxEntries,
    maxSize: options.maxBytes,
    sizeCalculation: (entry, key) => entry.body.length + key.length,
  });
  const bodies = new WeakMap<Request, string>();
  const eligible = (request: Request, url: URL) => {
    if (url.pathname !== GRAPHQL_PATH || !isJsonPost(request)) return false;
    const length = Number(request.headers.get('content-length'));
    if (!(length > 0 && length <= options.maxRequestBytes)) return false;
    return options.tokens.size === 0 || options.tokens.has(bearerToken(request) ?? '');
  };

  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!eligible(request, url)) return;
      // A client that accepts no JSON type gets what yoga answers it: an event stream, or 406.
      const mediaType = regularMediaType(request);
      if (mediaType === undefined) return;
      const started = options.clock.monotonic();
      // Read once: on a miss, the GraphQL parser takes the same text (see request-body.ts).
      const key = await bodyText(request, options.maxRequestBytes).catch(() => undefined);
      // The GraphQL parser meets the same refusal (a body longer than declared) and answers it.
      if (key === undefined) return;
      const entry = cache.get(key);
      if (!entry || options.clock.now().getTime() >= entry.expiresAt) {
        bodies.set(request, key);
        return;
      }
      if (entry.served) noteServed(request, entry.served);
      endResponse(
        new fetchAPI.Response(entry.body, { headers: { 'content-type': `${mediaType}; charset=utf-8` } }),
      );
      tellReplay(options, request, entry.operation, (options.clock.monotonic() - started) / 1000);
    },
    onExecute({ args }) {
      const key = bodies.get(args.contextValue.request);
      if (key === undefined) return;
      return {
        onExecuteDone({ result }) {
          if (isAsyncIterable(result)) return;
          const entry = entryFor(options, args, result);
          if (!entry) return;
          cache.set(key, entry);
          options.metrics.responseCache.inc({ result: 'store' });
        },
      };
    },
  };
}

/** What a replay of this result sends, until when; nothing for errors, stale data or no freshness. */
function entryFor(options: ResponseCacheOptions, args: Executed, result: ExecutionResult): Entry | undefined {
  const { cost, request } = args.contextValue;
  if (result.errors?.length || cost.stale.length > 0) return undefined;
  const now = options.clock.now().getTime();
  const expiresAt = Math.min(cost.freshUntil, now + options.maxAgeMs);
  if (expiresAt <= now) return undefined;
  const free = JSON.stringify({ upstreamCalls: 0, cacheHits: cost.servedFresh, coalesced: 0, credits: 0 });
  // The data's JSON is made once, for this body and the ETag alike.
  const served = servedBy(request) ?? servedInsights(cost, result);
  const data = served ? dataJsonOf(served) : JSON.stringify(result.data);
  return {
    body: `{"data":${data},"extensions":{"cost":${free}}}`,
    // Replays count under the same bounded label as the request that stored them.
    operation: options.metrics.operationLabel(getOperationAST(args.document, args.operationName)),
    expiresAt,
    ...(served && { served: forReplay(served) }),
  };
}

/** A replay counts as an operation, in the metrics and the log, like any other. */
function tellReplay(options: ResponseCacheOptions, request: Request, operation: string, seconds: number) {
  options.metrics.responseCache.inc({ result: 'hit' });
  options.metrics.operations.observe({ operation, outcome: 'ok' }, seconds);
  options.logger.info(
    {
      requestId: requestIdOf(request),
      operation,
      outcome: 'ok',
      durationMs: seconds * 1000,
      responseCache: 'hit',
    },
    'operation',
  );
}
