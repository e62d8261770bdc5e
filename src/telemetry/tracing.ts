import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { GatewayConfig } from '../config/config.js';
import { setTracingEnabled } from './tracer.js';

export interface Tracing {
  /** Exports every span ended so far. */
  flush(): Promise<void>;
  /** Exports what is left and unregisters the provider. */
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry SDK: spans in batches over OTLP/HTTP (JSON) to
 * `${otlpEndpoint}/v1/traces`, W3C `traceparent`/`tracestate` (and baggage) propagation, and
 * AsyncLocalStorage for the active span. Call it before the gateway is built: plugins and guard
 * stages decide once whether to trace. `main.ts` imports this module only when tracing is on,
 * so with it off the SDK is never loaded. The SDK reads its other standard variables itself
 * (`OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_TRACES_SAMPLER`, `OTEL_BSP_*`, ...).
 */
export function startTracing({
  otlpEndpoint,
  serviceName,
}: GatewayConfig['tracing'] & { otlpEndpoint: string }): Tracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(otlpEndpoint) }))],
  });
  provider.register();
  setTracingEnabled(true);
  return {
    flush: () => provider.forceFlush(),
    async shutdown() {
      setTracingEnabled(false);
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** The signal path is appended to the base endpoint, as the OTLP exporter specification says. */
function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}
