import type { OperationDefinitionNode } from 'graphql';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricsOptions {
  /** The only operation names that may label metrics (a trusted-documents manifest's, say). */
  knownOperationNames?: Iterable<string>;
  /** Without known names, the first this many distinct names seen label metrics; later ones are `other`. */
  maxOperationNames?: number;
  /** Names that carry a secret are labelled `other`, so `/metrics` never shows one. */
  isSecret?: (text: string) => boolean;
}

/** The label of requests that reached no parsed document: refused before parsing, or unparseable. */
export const UNPARSED_OPERATION = 'unparsed';
const MAX_OPERATION_NAME_LENGTH = 100;

/**
 * The `operation` label of a parsed document's operation, from a bounded set: an admitted name,
 * `anonymous` for an unnamed operation, and `other` for the rest (no operation selected, a name
 * past the cap, too long, or carrying a secret), so clients cannot grow `/metrics` at will.
 */
function createOperationLabels({
  knownOperationNames,
  maxOperationNames = 100,
  isSecret = () => false,
}: MetricsOptions) {
  const admissible = (name: string) => name.length <= MAX_OPERATION_NAME_LENGTH && !isSecret(name);
  const names = new Set([...(knownOperationNames ?? [])].filter(admissible));
  const open = knownOperationNames === undefined;
  return (operation: OperationDefinitionNode | null | undefined): string => {
    if (!operation) return 'other';
    const name = operation.name?.value;
    if (name === undefined) return 'anonymous';
    if (names.has(name)) return name;
    if (!open || names.size >= maxOperationNames || !admissible(name)) return 'other';
    names.add(name);
    return name;
  };
}

let processMetrics: Registry | undefined;
/**
 * Memory, CPU, event-loop lag and GC, collected once per process and shared by every gateway's
 * registry: each collection starts a GC observer and a lag timer that prom-client never stops.
 */
function registerProcessMetrics(registry: Registry) {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  for (const { name } of processMetrics.getMetricsAsArray()) {
    const metric = processMetrics.getSingleMetric(name);
    if (metric) registry.registerMetric(metric);
  }
}

/**
 * Everything `/metrics` reports. One registry per gateway, so several gateways in one process
 * (tests, benchmarks) count separately; the process's own metrics read the same in each.
 */
export function createMetrics(options: MetricsOptions = {}) {
  const registry = new Registry();
  registerProcessMetrics(registry);
  const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    /** The bounded `operation` label of a parsed document's operation (see createOperationLabels). */
    operationLabel: createOperationLabels(options),
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
    refreshes: new Counter({
      name: 'gateway_refreshes_total',
      help: 'Refreshes made behind the requests, by trigger (stale: served stale while refreshing; ahead: a hot key about to expire) and outcome (ok, failed, skipped).',
      labelNames: ['trigger', 'outcome'] as const,
      registers: [registry],
    }),
    refreshCredits: new Counter({
      name: 'gateway_refresh_credits_total',
      help: 'KeyAPI credits spent on refreshes behind the requests, by trigger.',
      labelNames: ['trigger'] as const,
      registers: [registry],
    }),
    redisUp: new Gauge({
      name: 'gateway_redis_up',
      help: 'Whether the shared Redis answers (1), or the instance runs on its in-memory path (0); 1 without Redis.',
      registers: [registry],
    }),
    openKeyCircuits: new Gauge({
      name: 'gateway_upstream_open_key_circuits',
      help: 'Keys whose own circuit is open (or waits for a probe) after repeated failures, here or on another instance.',
      registers: [registry],
    }),
    cooldownSeconds: new Gauge({
      name: 'gateway_upstream_cooldown_seconds',
      help: 'Seconds left of the pause after a KeyAPI 429 (0: calls flow).',
      registers: [registry],
    }),
    budget: new Gauge({
      name: 'gateway_daily_credit_budget',
      help: "Today's global credit budget (CREDIT_BUDGET_GLOBAL_DAILY), for alerts on the burn rate.",
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
