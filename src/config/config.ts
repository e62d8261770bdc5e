import type { DailyCaps } from '../loaders/budget/credit-ledger.js';
import type { CachePolicy } from '../loaders/cache/freshness.js';
import type { RefreshAheadOptions } from '../loaders/refresh-ahead.js';
import type { KeyApiClientOptions } from '../upstream/keyapi-client.js';
import type { CircuitBreakerOptions } from '../upstream/resilience/circuit-breaker.js';
import type { ConcurrencyGateOptions } from '../upstream/resilience/concurrency-gate.js';
import type { CooldownOptions, TokenBucketOptions } from '../upstream/resilience/rate-limiter.js';
import type { RetryPolicy } from '../upstream/resilience/retry-policy.js';
import { demoModeProblems } from './demo-mode.js';
import { type EnvVars, envSchema, type RawEnv } from './env-schema.js';
import { type RedisConfig, redisConfig, redisProblems } from './redis-config.js';
import type { TrustedDocuments } from './trusted-documents-file.js';

type DeepReadonly<T> =
  T extends ReadonlyMap<infer K, infer V>
    ? ReadonlyMap<K, V>
    : T extends object
      ? { readonly [P in keyof T]: DeepReadonly<T[P]> }
      : T;

/** The gateway's whole configuration: parsed once from the environment, then only read. */
export type GatewayConfig = DeepReadonly<ConfigShape>;

interface ConfigShape {
  server: {
    host: string;
    port: number;
    /** Serves `/metrics` on its own listener, so the public port never exposes budgets or names. */
    metricsPort: number;
    /** Serve GraphiQL at the GraphQL endpoint. */
    graphiql: boolean;
    /** After SIGTERM, how long `/ready` answers 503 while new requests are still served. */
    shutdownDelayMs: number;
  };
  upstream: KeyApiClientOptions;
  /** In flight at once, and the bounded, timed queue behind them. */
  concurrency: ConcurrencyGateOptions;
  rateLimit: TokenBucketOptions;
  retry: RetryPolicy;
  breaker: CircuitBreakerOptions;
  /** The fleet-wide pause after a 429. */
  cooldown: CooldownOptions;
  cache: CachePolicy & {
    maxEntries: number;
    maxBytes: number;
    /** Serve an answer past its freshness, within its grace, at once while one refresh goes out. */
    staleWhileRevalidate: boolean;
  };
  /** Refresh the hottest keys shortly before they expire, within a daily budget of its own. */
  refreshAhead: RefreshAheadOptions;
  /** Whole responses replayed while their insights are fresh; 0 entries turns it off. */
  responseCache: { maxEntries: number; maxBytes: number };
  /** Null: this instance caches, coalesces and rate-limits alone, in memory. */
  redis: RedisConfig | null;
  budgets: DailyCaps & { perOperation: number };
  /** Limits that refuse costly operations before they run. */
  armor: {
    maxDepth: number;
    maxAliases: number;
    maxTokens: number;
    maxDirectives: number;
    maxRequestBytes: number;
    /** "Did you mean …?" in validation errors: a map of the schema for whoever probes it. */
    hideFieldSuggestions: boolean;
  };
  auth: {
    /** Bearer tokens clients must send, by client name; empty: no authentication. */
    tokens: ReadonlyMap<string, string>;
    /** Proxies in front of the gateway whose X-Forwarded-For entries are trusted; 0: none. */
    trustProxy: number;
  };
  /** pino level: trace, debug, info, warn, error, fatal or silent. */
  logLevel: string;
  /** OpenTelemetry traces: exported over OTLP/HTTP when an endpoint is set; null: off, nothing loaded. */
  tracing: { otlpEndpoint: string | null; serviceName: string };
  /** Set in demo mode (no key, not production): the gateway starts its embedded stand-in upstream. */
  demo: { latencyMs: number } | null;
  /** Set by TRUSTED_DOCUMENTS_FILE: run only these documents (hash → document). */
  trustedDocuments?: TrustedDocuments;
}

const DEFAULT_BASE_URL = 'https://api.keyapi.ai';

export type ConfigResult = { ok: true; config: GatewayConfig } | { ok: false; errors: string[] };

/** Variables whose values are never repeated in an error: they are secrets. */
const SECRET_VARIABLES = new Set(['KEYAPI_API_KEY', 'GATEWAY_TOKENS', 'REDIS_PASSWORD']);

/** Reads every variable at once and reports every problem at once, each with the value it got. */
export function parseConfig(env: RawEnv): ConfigResult {
  const parsed = envSchema.safeParse(env);
  const errors = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '');
        const value = env[name];
        const echo = value !== undefined && !SECRET_VARIABLES.has(name) && !issue.message.includes(value);
        return `${issue.path.join('.')}: ${issue.message}${echo ? ` (got ${JSON.stringify(value)})` : ''}`;
      });
  errors.push(...demoModeProblems(env), ...redisProblems(env));
  if (!parsed.success || errors.length > 0) return { ok: false, errors };
  return { ok: true, config: deepFreeze(toConfig(parsed.data)) };
}

/** Frozen all the way down, so no part of the gateway can change what another part reads. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Map)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function toConfig(vars: EnvVars): ConfigShape {
  const production = vars.NODE_ENV === 'production';
  return {
    server: {
      host: vars.HOST,
      port: vars.PORT,
      metricsPort: vars.METRICS_PORT,
      // GraphiQL invites anyone who finds the URL to explore; production opts in.
      graphiql: vars.GRAPHIQL_ENABLED ?? !production,
      shutdownDelayMs: vars.SHUTDOWN_DELAY_MS,
    },
    upstream: {
      baseUrl: vars.KEYAPI_BASE_URL ?? DEFAULT_BASE_URL,
      apiKey: vars.KEYAPI_API_KEY ?? '',
      connectTimeoutMs: vars.KEYAPI_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: vars.KEYAPI_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: vars.KEYAPI_BODY_TIMEOUT_MS,
      requestTimeoutMs: vars.KEYAPI_REQUEST_TIMEOUT_MS,
      maxResponseBytes: vars.KEYAPI_MAX_RESPONSE_BYTES,
      connections: vars.KEYAPI_MAX_CONCURRENCY,
    },
    concurrency: {
      maxConcurrent: vars.KEYAPI_MAX_CONCURRENCY,
      maxQueued: vars.KEYAPI_MAX_QUEUE,
      queueTimeoutMs: vars.KEYAPI_QUEUE_TIMEOUT_MS,
    },
    rateLimit: { qps: vars.KEYAPI_MAX_QPS, burst: vars.KEYAPI_QPS_BURST ?? vars.KEYAPI_MAX_QPS },
    retry: {
      maxAttempts: vars.KEYAPI_RETRY_MAX_ATTEMPTS,
      baseDelayMs: vars.KEYAPI_RETRY_BASE_DELAY_MS,
      maxDelayMs: vars.KEYAPI_RETRY_MAX_DELAY_MS,
      maxRetryAfterMs: vars.KEYAPI_RETRY_AFTER_MAX_MS,
      maxTotalMs: vars.KEYAPI_RETRY_MAX_TOTAL_MS,
    },
    breaker: {
      failureThreshold: vars.KEYAPI_BREAKER_FAILURES,
      cooldownMs: vars.KEYAPI_BREAKER_COOLDOWN_MS,
      quotaPauseMs: vars.KEYAPI_QUOTA_PAUSE_MS,
    },
    cooldown: { baseMs: vars.KEYAPI_COOLDOWN_BASE_MS, maxMs: vars.KEYAPI_COOLDOWN_MAX_MS },
    cache: {
      ttlMs: {
        '1': vars.CACHE_TTL_1_MS,
        '7': vars.CACHE_TTL_7_MS,
        '30': vars.CACHE_TTL_30_MS,
        month: vars.CACHE_TTL_MONTH_MS,
      },
      staleGraceMs: vars.CACHE_STALE_GRACE_MS,
      negativeTtlMs: vars.CACHE_NEGATIVE_TTL_MS,
      maxEntries: vars.CACHE_MAX_ENTRIES,
      maxBytes: vars.CACHE_MAX_BYTES,
      staleWhileRevalidate: vars.CACHE_STALE_WHILE_REVALIDATE ?? true,
    },
    refreshAhead: {
      creditsPerDay: vars.REFRESH_AHEAD_CREDITS_DAILY,
      minHits: vars.REFRESH_AHEAD_MIN_HITS,
      halfLifeMs: vars.REFRESH_AHEAD_HALF_LIFE_MS,
      intervalMs: vars.REFRESH_AHEAD_INTERVAL_MS,
    },
    responseCache: { maxEntries: vars.RESPONSE_CACHE_MAX_ENTRIES, maxBytes: vars.RESPONSE_CACHE_MAX_BYTES },
    redis: redisConfig(vars),
    budgets: {
      perOperation: vars.CREDIT_BUDGET_PER_OPERATION,
      perClient: vars.CREDIT_BUDGET_PER_CLIENT_DAILY,
      global: vars.CREDIT_BUDGET_GLOBAL_DAILY,
    },
    armor: {
      maxDepth: vars.MAX_QUERY_DEPTH,
      maxAliases: vars.MAX_ALIASES,
      maxTokens: vars.MAX_TOKENS,
      maxDirectives: vars.MAX_DIRECTIVES,
      maxRequestBytes: vars.MAX_REQUEST_BYTES,
      hideFieldSuggestions: production,
    },
    auth: { tokens: vars.GATEWAY_TOKENS, trustProxy: vars.TRUST_PROXY },
    logLevel: vars.LOG_LEVEL,
    tracing: { otlpEndpoint: vars.OTEL_EXPORTER_OTLP_ENDPOINT ?? null, serviceName: vars.OTEL_SERVICE_NAME },
    demo: vars.KEYAPI_API_KEY === undefined ? { latencyMs: vars.DEMO_UPSTREAM_LATENCY_MS } : null,
    ...(vars.TRUSTED_DOCUMENTS_FILE && { trustedDocuments: vars.TRUSTED_DOCUMENTS_FILE }),
  };
}
