import { type Context, context, createContextKey, type Span, trace } from '@opentelemetry/api';
import type { RefreshTrigger } from '../loaders/cached-fetcher.js';
import { annotate, tracer, tracingEnabled } from './tracer.js';

/** What sent a call upstream: a miss, or the trigger of a background refresh. */
type CacheResult = 'miss' | RefreshTrigger;

const CACHE_RESULT = createContextKey('gateway.cache.result');

/** The cache outcome that led to the upstream call made in `ctx`, when one was noted. */
export function cacheResultOf(ctx: Context): CacheResult | undefined {
  return ctx.getValue(CACHE_RESULT) as CacheResult | undefined;
}

/** A `cache.lookup` span for `id`, ended by {@link endLookup}; undefined when tracing is off. */
export function startLookup(id: string): Span | undefined {
  return tracingEnabled()
    ? tracer.startSpan('cache.lookup', { attributes: { 'gateway.cache.key': id } })
    : undefined;
}

export function endLookup(span: Span | undefined, result: 'hit' | 'miss' | 'stale'): void {
  span?.setAttribute('gateway.cache.result', result).end();
}

/** Runs `pay`'s upstream call marked as one a cache miss led to. */
export function afterMiss<T>(pay: () => Promise<T>): Promise<T> {
  return tracingEnabled() ? context.with(context.active().setValue(CACHE_RESULT, 'miss'), pay) : pay();
}

/**
 * The cross-instance lease around a paid miss: `lease.acquire` when this instance held it (and
 * paid under it, the attempt its child), `lease.wait` when another instance's answer landed.
 */
export function inLeaseSpan<T extends { coalesced: boolean }>(
  id: string,
  leased: () => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return leased();
  return tracer.startActiveSpan(
    'lease.acquire',
    { attributes: { 'gateway.cache.key': id } },
    async (span) => {
      try {
        const result = await leased();
        if (result.coalesced) span.updateName('lease.wait');
        span.setAttribute('gateway.lease.result', result.coalesced ? 'landed' : 'paid');
        return result;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * A background refresh in a root span of its own, linked to the request that set it off (if
 * any): that request does not wait for it, so it is not its child.
 */
export function inRefreshSpan<T>(
  id: string,
  trigger: RefreshTrigger,
  refresh: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return refresh(undefined);
  const cause = trace.getActiveSpan()?.spanContext();
  const options = {
    root: true,
    links: cause ? [{ context: cause }] : [],
    attributes: { 'gateway.cache.key': id, 'gateway.refresh.trigger': trigger },
  };
  return tracer.startActiveSpan(
    'refresh',
    options,
    context.active().setValue(CACHE_RESULT, trigger),
    async (span) => {
      try {
        return await refresh(span);
      } finally {
        span.end();
      }
    },
  );
}

export function describeRefresh(span: Span | undefined, outcome: string, credits: number): void {
  annotate(span, () => ({ 'gateway.refresh.outcome': outcome, 'gateway.credits': credits }));
}
