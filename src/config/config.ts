import type { DailyCaps } from '../loaders/budget/credit-ledger.js';
import type { CachePolicy } from '../loaders/cache/freshness.js';
import type { RefreshAheadOptions } from '../loaders/refresh-ahead.js';
import type { RedisOptions, RedisTopology } from '../redis/connection.js';
import type { KeyApiClientOptions } from '../upstream/keyapi-client.js';
import type { CircuitBreakerOptions } from '../upstream/resilience/circuit-breaker.js';
import type { ConcurrencyGateOptions } from '../upstream/resilience/concurrency-gate.js';
import type { CooldownOptions, TokenBucketOptions } from '../upstream/resilience/rate-limiter.js';
import type { RetryPolicy } from '../upstream/resilience/retry-policy.js';
import { type EnvVars, envSchema } from './env-schema.js';
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
  redis: (RedisOptions & { leaseMs: number }) | null;
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
export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = envSchema.safeParse(env);
  const errors = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '');
        const value = env[name];
        const echo = value !== undefined && !SECRET_VARIABLES.has(name) && !issue.message.includes(value);
        return `${issue.path.join('.')}: ${issue.message}${echo ? ` (got ${JSON.stringify(value)})` : ''}`;
      });
  errors.push(...modeProblems(env), ...redisProblems(env));
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

const isSet = (value: string | undefined) => value !== undefined && value.trim() !== '';
const isOn = (value: string | undefined) => ['true', '1', 'yes', 'on'].includes(value?.trim() ?? '');
const isProduction = (env: Record<string, string | undefined>) => env.NODE_ENV?.trim() === 'production';

/**
 * Demo mode serves made-up data: it runs only when nothing says a real upstream was meant, and
 * never by accident in production, where a forgotten secret would otherwise go unnoticed.
 */
function modeProblems(env: Record<string, string | undefined>): string[] {
  if (isSet(env.KEYAPI_API_KEY)) {
    return isOn(env.DEMO_MODE) ? ['DEMO_MODE: true conflicts with KEYAPI_API_KEY (unset one of them)'] : [];
  }
  if (isSet(env.KEYAPI_BASE_URL)) {
    return ['KEYAPI_API_KEY: required when KEYAPI_BASE_URL is set (unset both for demo mode)'];
  }
  if (isProduction(env) && !isOn(env.DEMO_MODE)) {
    return [
      'KEYAPI_API_KEY: required under NODE_ENV=production; set it to your KeyAPI key (or DEMO_MODE=true to serve synthetic demo data)',
    ];
  }
  return [];
}

const REDIS_TOPOLOGIES = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'];

/** A URL's password is a secret: echoed as `***`. */
const withoutPassword = (text: string) => text.replace(/^(\w+:\/\/[^:@/]*:)[^@/]*@/, '$1***@');

/** One way to reach Redis at most, with what that way needs. */
function redisProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const chosen = REDIS_TOPOLOGIES.filter((name) => isSet(env[name]));
  if (chosen.length > 1) {
    const got = chosen.map((name) => `${name}=${JSON.stringify(withoutPassword(env[name] ?? ''))}`);
    problems.push(
      `${chosen.join(', ')}: set one of ${REDIS_TOPOLOGIES.join(', ')}, not several (got ${got.join(', ')})`,
    );
  }
  if (isSet(env.REDIS_SENTINELS) && !isSet(env.REDIS_SENTINEL_NAME)) {
    problems.push(
      'REDIS_SENTINEL_NAME: required with REDIS_SENTINELS: the master group name the sentinels monitor',
    );
  }
  if (isSet(env.REDIS_SENTINEL_NAME) && !isSet(env.REDIS_SENTINELS)) {
    problems.push(
      `REDIS_SENTINEL_NAME: set only with REDIS_SENTINELS (got ${JSON.stringify(env.REDIS_SENTINEL_NAME)})`,
    );
  }
  const url = env.REDIS_URL ?? '';
  if (isSet(env.REDIS_PASSWORD) && withoutPassword(url) !== url) {
    problems.push('REDIS_PASSWORD: REDIS_URL carries a password of its own; keep one of them');
  }
  // A `{}` in the prefix would hash whole keys, splitting a script's keys across slots.
  if (isSet(env.REDIS_CLUSTER_NODES) && /[{}]/.test(env.REDIS_KEY_PREFIX ?? '')) {
    problems.push(
      `REDIS_KEY_PREFIX: no { or } with REDIS_CLUSTER_NODES: the gateway's keys carry their own hash tags (got ${JSON.stringify(env.REDIS_KEY_PREFIX)})`,
    );
  }
  return problems;
}

function redisTopology(vars: EnvVars): RedisTopology | undefined {
  if (vars.REDIS_URL) return { kind: 'standalone', url: vars.REDIS_URL };
  if (vars.REDIS_CLUSTER_NODES) return { kind: 'cluster', nodes: vars.REDIS_CLUSTER_NODES };
  if (vars.REDIS_SENTINELS && vars.REDIS_SENTINEL_NAME)
    return { kind: 'sentinel', sentinels: vars.REDIS_SENTINELS, name: vars.REDIS_SENTINEL_NAME };
  return undefined;
}

function toConfig(vars: EnvVars): ConfigShape {
  const redisVia = redisTopology(vars);
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
    redis: redisVia
      ? {
          topology: redisVia,
          ...(vars.REDIS_PASSWORD !== undefined && { password: vars.REDIS_PASSWORD }),
          keyPrefix: vars.REDIS_KEY_PREFIX,
          commandTimeoutMs: vars.REDIS_COMMAND_TIMEOUT_MS,
          leaseMs: vars.REDIS_LEASE_MS,
        }
      : null,
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
