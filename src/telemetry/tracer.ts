import { type Attributes, context, isSpanContextValid, type Span, trace } from '@opentelemetry/api';

/**
 * The gateway's tracer. Until `startTracing` registers a provider it is the API's no-op tracer,
 * and instrumented code checks {@link tracingEnabled} first, so tracing off costs a boolean read.
 */
export const tracer = trace.getTracer('tiktok-insights-gateway');

let enabled = false;

/** Whether this process exports spans: read once where a plugin or stage is built, per step elsewhere. */
export function tracingEnabled(): boolean {
  return enabled;
}

/** Set by `startTracing` and its shutdown only. */
export function setTracingEnabled(on: boolean): void {
  enabled = on;
}

/** Writes `attributes()` on `span` only when it records: a sampled-out span builds no object. */
export function annotate(span: Span | undefined, attributes: () => Attributes): void {
  if (span?.isRecording()) span.setAttributes(attributes());
}

/** What a log line gains inside a traced context; undefined outside one. */
export function traceLogFields(): { traceId: string; spanId: string } | undefined {
  if (!enabled) return undefined;
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}
