import { z } from 'zod';
import type { CachePolicy } from './loaders/cache-policy.js';
import type { DailyCaps } from './loaders/credit-ledger.js';
import type { RedisOptions } from './redis-connection.js';
import { readTrustedDocuments, type TrustedDocuments } from './server/trusted-documents.js';
import type { CircuitBreakerOptions } from './upstream/circuit-breaker.js';
import type { ConcurrencyGateOptions } from './upstream/concurrency-gate.js';
import type { InsightClientOptions } from './upstream/insight-client.js';
import type { CooldownOptions, TokenBucketOptions } from './upstream/rate-limiter.js';
import type { RetryPolicy } from './upstream/retry-policy.js';

/** The gateway's whole configuration: parsed once from the environment, then passed down. */
export interface GatewayConfig {
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
  upstream: InsightClientOptions;
  /** In flight at once, and the bounded, timed queue behind them. */
  concurrency: ConcurrencyGateOptions;
  rateLimit: TokenBucketOptions;
  retry: RetryPolicy;
  breaker: CircuitBreakerOptions;
  /** The fleet-wide pause after a 429. */
  cooldown: CooldownOptions;
  cache: CachePolicy & { maxEntries: number; maxBytes: number };
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
  };
  auth: {
    /** Bearer tokens clients must send, by client name; empty: no authentication. */
    tokens: Map<string, string>;
    /** Proxies in front of the gateway whose X-Forwarded-For entries are trusted; 0: none. */
    trustProxy: number;
  };
  /** pino level: trace, debug, info, warn, error, fatal or silent. */
  logLevel: string;
  /** Set in demo mode (no key, not production): the gateway starts its embedded stand-in upstream. */
  demo: { latencyMs: number } | null;
  /** Set by TRUSTED_DOCUMENTS_FILE: run only these documents (hash → document). */
  trustedDocuments?: TrustedDocuments;
}

const DEFAULT_BASE_URL = 'https://api.keyapi.ai';

// An empty variable counts as unset, as in most shells' `FOO= cmd` idiom.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    schema.optional(),
  );

const integer = (min: number, fallback: number) =>
  optional(z.coerce.number().int().min(min)).transform((value) => value ?? fallback);

/** A yes/no switch; undefined when unset, so a default may depend on other variables. */
const flag = () =>
  optional(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])).transform((value) =>
    value === undefined ? undefined : ['true', '1', 'yes', 'on'].includes(value),
  );

const port = (fallback: number) => integer(0, fallback).pipe(z.number().max(65535));

const envSchema = z.object({
  NODE_ENV: optional(z.string()),
  KEYAPI_API_KEY: optional(z.string()),
  KEYAPI_BASE_URL: optional(z.url({ protocol: /^https?$/ })),
  DEMO_MODE: flag(),
  PORT: port(4000),
  METRICS_PORT: port(9464),
  HOST: optional(z.string()).transform((value) => value ?? '0.0.0.0'),
  GRAPHIQL_ENABLED: flag(),
  SHUTDOWN_DELAY_MS: integer(0, 0),
  KEYAPI_CONNECT_TIMEOUT_MS: integer(1, 5_000),
  KEYAPI_HEADERS_TIMEOUT_MS: integer(1, 10_000),
  KEYAPI_BODY_TIMEOUT_MS: integer(1, 10_000),
  KEYAPI_REQUEST_TIMEOUT_MS: integer(1, 15_000),
  KEYAPI_MAX_RESPONSE_BYTES: integer(1_024, 1_048_576),
  KEYAPI_MAX_CONCURRENCY: integer(1, 16),
  DEMO_UPSTREAM_LATENCY_MS: integer(0, 120),
  KEYAPI_MAX_QUEUE: integer(0, 200),
  KEYAPI_QUEUE_TIMEOUT_MS: integer(1, 5_000),
  KEYAPI_MAX_QPS: integer(1, 10),
  KEYAPI_QPS_BURST: optional(z.coerce.number().int().min(1)),
  KEYAPI_RETRY_MAX_ATTEMPTS: integer(1, 3),
  KEYAPI_RETRY_BASE_DELAY_MS: integer(0, 200),
  KEYAPI_RETRY_MAX_DELAY_MS: integer(0, 2_000),
  KEYAPI_RETRY_AFTER_MAX_MS: integer(0, 10_000),
  KEYAPI_RETRY_MAX_TOTAL_MS: integer(0, 20_000),
  KEYAPI_BREAKER_FAILURES: integer(1, 5),
  KEYAPI_BREAKER_COOLDOWN_MS: integer(1, 30_000),
  KEYAPI_QUOTA_PAUSE_MS: integer(1, 600_000),
  KEYAPI_COOLDOWN_BASE_MS: integer(1, 1_000),
  KEYAPI_COOLDOWN_MAX_MS: integer(1, 60_000),
  CACHE_TTL_1_MS: integer(0, 600_000),
  CACHE_TTL_7_MS: integer(0, 3_600_000),
  CACHE_TTL_30_MS: integer(0, 21_600_000),
  CACHE_TTL_MONTH_MS: integer(0, 604_800_000),
  CACHE_STALE_GRACE_MS: integer(0, 86_400_000),
  CACHE_NEGATIVE_TTL_MS: integer(0, 60_000),
  CACHE_MAX_ENTRIES: integer(1, 10_000),
  CACHE_MAX_BYTES: integer(1_024, 67_108_864),
  RESPONSE_CACHE_MAX_ENTRIES: integer(0, 5_000),
  RESPONSE_CACHE_MAX_BYTES: integer(1_024, 33_554_432),
  REDIS_URL: optional(z.url({ protocol: /^rediss?$/ })),
  REDIS_KEY_PREFIX: optional(z.string()).transform((value) => value ?? 'tiktok-insights:'),
  REDIS_COMMAND_TIMEOUT_MS: integer(1, 250),
  REDIS_LEASE_MS: integer(300, 1_500),
  CREDIT_BUDGET_PER_OPERATION: integer(0, 40),
  CREDIT_BUDGET_PER_CLIENT_DAILY: integer(0, 2_000),
  CREDIT_BUDGET_GLOBAL_DAILY: integer(0, 20_000),
  MAX_QUERY_DEPTH: integer(1, 8),
  MAX_ALIASES: integer(0, 15),
  MAX_TOKENS: integer(1, 1_000),
  MAX_DIRECTIVES: integer(0, 10),
  MAX_REQUEST_BYTES: integer(1_024, 65_536),
  GATEWAY_TOKENS: optional(z.string()).transform((value, context) => parseTokens(value ?? '', context)),
  TRUST_PROXY: optional(
    z.string().regex(/^(\d{1,2}|false)$/, {
      message:
        'set the number of proxies in front of the gateway (1 behind one load balancer); true would trust an X-Forwarded-For the client wrote',
    }),
  ).transform((value) => (value === undefined || value === 'false' ? 0 : Number(value))),
  LOG_LEVEL: optional(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])).transform(
    (value) => value ?? 'info',
  ),
  // Read here, so a missing or malformed manifest is reported with every other problem.
  TRUSTED_DOCUMENTS_FILE: optional(
    z.string().transform((path, context) => {
      try {
        return readTrustedDocuments(path);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  ),
});

/**
 * `name:token` pairs, comma-separated; a bare token is named by its position. Names identify
 * clients in budgets and logs, so tokens themselves never have to be written anywhere.
 */
function parseTokens(text: string, context: z.RefinementCtx): Map<string, string> {
  const tokens = new Map<string, string>();
  for (const [index, entry] of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .entries()) {
    const separator = entry.indexOf(':');
    const name = separator > 0 ? entry.slice(0, separator) : `client-${index + 1}`;
    const token = separator > 0 ? entry.slice(separator + 1) : entry;
    if (token.length < 16)
      context.addIssue({ code: 'custom', message: `the token of "${name}" is shorter than 16 characters` });
    tokens.set(token, name);
  }
  return tokens;
}

export type ConfigResult = { ok: true; config: GatewayConfig } | { ok: false; errors: string[] };

type EnvVars = z.output<typeof envSchema>;

/** Reads every variable at once and reports every problem at once. */
export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = envSchema.safeParse(env);
  const errors = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  errors.push(...modeProblems(env));
  if (!parsed.success || errors.length > 0) return { ok: false, errors };
  return { ok: true, config: toConfig(parsed.data) };
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

function toConfig(vars: EnvVars): GatewayConfig {
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
    },
    responseCache: { maxEntries: vars.RESPONSE_CACHE_MAX_ENTRIES, maxBytes: vars.RESPONSE_CACHE_MAX_BYTES },
    redis: vars.REDIS_URL
      ? {
          url: vars.REDIS_URL,
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
    },
    auth: { tokens: vars.GATEWAY_TOKENS, trustProxy: vars.TRUST_PROXY },
    logLevel: vars.LOG_LEVEL,
    demo: vars.KEYAPI_API_KEY === undefined ? { latencyMs: vars.DEMO_UPSTREAM_LATENCY_MS } : null,
    ...(vars.TRUSTED_DOCUMENTS_FILE && { trustedDocuments: vars.TRUSTED_DOCUMENTS_FILE }),
  };
}
