import { getOperationAST } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Clock } from '../../clock.js';
import type { RequestCost } from '../../loaders/budget/request-cost.js';
import { GRAPHQL_PATH, pathOf } from '../../request-path.js';
import { dataTagOf, noteServed, type ServedInsights, servedBy, servedInsights } from '../served-insights.js';

export interface HttpCachingOptions {
  clock: Clock;
  /** True when the gateway authenticates clients: answers are `private` and vary by `Authorization`. */
  authenticated: boolean;
}

const REGULAR = new Set(['application/json', 'application/graphql-response+json']);

/**
 * Caching headers that browsers, HTTP clients, routers and CDNs understand, on every GraphQL
 * answer, the response cache's replays included: `Cache-Control`, `Age`, `Vary` and a weak
 * `ETag`, with `304 Not Modified` when `If-None-Match` names it. An answer is cacheable only when
 * it served at least one fresh insight and nothing stale, with no errors; anything else is
 * `no-store`, as is an @defer/@stream answer. GET (a persisted query's hash in the URL, say) is
 * the path shared caches keep: they never store a POST's answer, though a client may still
 * revalidate one with its ETag. Refusals (4xx), GraphiQL, event streams (yoga marks them
 * `no-cache`) and responses that set their own caching are left alone.
 */
export function useHttpCaching(options: HttpCachingOptions): Plugin<{ cost: RequestCost; request: Request }> {
  const vary = options.authenticated ? 'Accept, Authorization' : 'Accept';
  const scope = options.authenticated ? 'private' : 'public';
  // Requests whose answers may be revalidated: hashing the data is paid only for them.
  const persisted = new WeakSet<Request>();

  return {
    onParams({ request, params }) {
      if (params.extensions?.persistedQuery) persisted.add(request);
    },
    onExecute({ args }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
      return {
        onExecuteDone({ result }) {
          if (isAsyncIterable(result)) return;
          const insights = servedInsights(args.contextValue.cost, result);
          if (insights) noteServed(args.contextValue.request, insights);
        },
      };
    },
    onResponse({ request, response, setResponse, fetchAPI }) {
      if (response.status !== 200 || response.headers.has('cache-control')) return;
      const mediaType = response.headers.get('content-type')?.split(';')[0] ?? '';
      const incremental = mediaType === 'multipart/mixed';
      if (!(REGULAR.has(mediaType) || incremental) || pathOf(request.url) !== GRAPHQL_PATH) return;
      const headers = response.headers;
      headers.append('vary', vary);
      const insights = incremental ? undefined : servedBy(request);
      if (!insights) {
        headers.set('cache-control', 'no-store');
        return;
      }
      const { age, maxAge } = freshness(insights, options.clock.now().getTime());
      headers.set('cache-control', `${scope}, max-age=${maxAge}`);
      if (age > 0) headers.set('age', String(age));
      // A tag for what a cache or client can revalidate: GET, persisted queries, replays, or a client that asks.
      const revalidatable =
        request.method === 'GET' ||
        persisted.has(request) ||
        insights.dataTag ||
        request.headers.has('if-none-match');
      if (!revalidatable) return;
      // Each media type is its own representation: a cache must not answer one with the other.
      const etag = `W/"${dataTagOf(insights)}-${mediaType === 'application/json' ? 'json' : 'gql'}"`;
      headers.set('etag', etag);
      if (!matchesIfNoneMatch(request.headers.get('if-none-match'), etag)) return;
      const notModified = new fetchAPI.Headers(headers);
      notModified.delete('content-type');
      notModified.delete('content-length');
      setResponse(new fetchAPI.Response(null, { status: 304, headers: notModified }));
    },
  };
}

/**
 * `Age` is how long ago the oldest insight was fetched. A cache takes `max-age - Age` as what
 * is left of the response's freshness (RFC 9111 §4.2), so `max-age` is the freshness left to the
 * least fresh insight plus `Age`; sending the freshness left alone as `max-age` beside an `Age`
 * would have every cache drop the answer `Age` seconds early. Both are floored, so a cache never
 * keeps an answer longer than its least fresh insight.
 */
function freshness(insights: ServedInsights, now: number): { age: number; maxAge: number } {
  const left = Math.max(0, Math.floor((insights.freshUntil - now) / 1000));
  const age = Number.isFinite(insights.oldestFetchedAt)
    ? Math.max(0, Math.floor((now - insights.oldestFetchedAt) / 1000))
    : 0;
  return { age, maxAge: age + left };
}

/** Whether `If-None-Match` names this entity tag, by weak comparison (RFC 9110 §13.1.2). */
function matchesIfNoneMatch(header: string | null, etag: string): boolean {
  if (header === null) return false;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === opaque;
  });
}
