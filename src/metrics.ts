import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Everything `/metrics` reports. One registry per gateway, so several gateways in one process
 * (tests, benchmarks) count separately.
 */
export function createMetrics() {
  const registry = new Registry();
  const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    operations: new Histogram({
      name: 'gateway_operation_duration_seconds',
      help: 'GraphQL operations by name and outcome (ok, partial, error), with their duration.',
      labelNames: ['operation', 'outcome'] as const,
      buckets: seconds,
      registers: [registry],
    }),
    upstreamCalls: new Counter({
      name: 'gateway_upstream_calls_total',
      help: 'Upstream attempts by outcome (ok or an extensions.code) and HTTP status (0: none).',
      labelNames: ['outcome', 'status'] as const,
      registers: [registry],
    }),
    upstreamLatency: new Histogram({
      name: 'gateway_upstream_duration_seconds',
      help: 'Latency of upstream attempts, failed ones included.',
      buckets: seconds,
      registers: [registry],
    }),
    cache: new Counter({
      name: 'gateway_cache_lookups_total',
      help: 'Insight cache lookups by result: hit, miss, stale (served stale after an upstream failure).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    responseCache: new Counter({
      name: 'gateway_response_cache_total',
      help: 'Whole responses replayed (hit) and remembered (store) by the response cache.',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    coalesced: new Counter({
      name: 'gateway_coalesced_waits_total',
      help: 'Requests that waited for a call already under way instead of paying for their own.',
      registers: [registry],
    }),
    retries: new Counter({
      name: 'gateway_upstream_retries_total',
      help: 'Upstream attempts that were retries of a failed one.',
      registers: [registry],
    }),
    credits: new Counter({
      name: 'gateway_credits_spent_total',
      help: 'KeyAPI credits spent (2 per attempt).',
      registers: [registry],
    }),
    breakerState: new Gauge({
      name: 'gateway_upstream_breaker_state',
      help: 'Upstream circuit: 0 closed, 1 half-open, 2 open, 3 paused after a 402.',
      registers: [registry],
    }),
    budgetLeft: new Gauge({
      name: 'gateway_daily_credit_budget_remaining',
      help: "Credits left in today's global budget.",
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
