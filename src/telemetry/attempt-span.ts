import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { CREDITS_PER_CALL } from '../loaders/budget/request-cost.js';
import type { AttemptReport } from '../upstream/resilience/attempt-report.js';
import type { Stage } from '../upstream/resilience/guard.js';
import { cacheResultOf } from './fetch-spans.js';
import { annotate, tracer, tracingEnabled } from './tracer.js';

/**
 * Each upstream attempt in a client span of its own, active while the request leaves, so the
 * request carries that span's `traceparent`. With tracing off the stage is not there at all.
 */
export const tracedAttempts: Stage = (next) =>
  tracingEnabled()
    ? (call) => {
        const cacheResult = cacheResultOf(context.active());
        const attributes = {
          'gateway.upstream.attempt': call.attempt,
          'gateway.upstream.scope': call.scope,
          ...(cacheResult && { 'gateway.cache.result': cacheResult }),
        };
        return tracer.startActiveSpan(
          'keyapi.attempt',
          { kind: SpanKind.CLIENT, attributes },
          async (span) => {
            try {
              return await next(call);
            } finally {
              span.end();
            }
          },
        );
      }
    : next;

/** Writes what an attempt met on its span, the active one while the attempt is reported. */
export function describeAttempt(report: AttemptReport): void {
  const span = trace.getActiveSpan();
  annotate(span, () => ({
    'gateway.credits': report.sent ? CREDITS_PER_CALL : 0,
    'gateway.upstream.sent': report.sent,
    'gateway.upstream.outcome': report.outcome,
    'http.response.status_code': report.status,
  }));
  if (report.error) span?.setStatus({ code: SpanStatusCode.ERROR, message: report.outcome });
}
