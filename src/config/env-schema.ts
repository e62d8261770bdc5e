import { z } from 'zod';
import { readTrustedDocuments } from './trusted-documents-file.js';

/** The environment as the process got it, before the schema reads it. */
export type RawEnv = Record<string, string | undefined>;

/** Whether a variable is set, as the schema reads it: empty counts as unset. */
export const isSet = (value: string | undefined) => value !== undefined && value.trim() !== '';

// An empty variable counts as unset, as in most shells' `FOO= cmd` idiom.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    schema.optional(),
  );

const integer = (min: number, fallback: number) =>
  optional(z.coerce.number().int().min(min)).transform((value) => value ?? fallback);

/** The words a yes/no switch takes for yes. */
export const ON_WORDS: readonly string[] = ['true', '1', 'yes', 'on'];

/** A yes/no switch; undefined when unset, so a default may depend on other variables. */
const flag = () =>
  optional(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])).transform((value) =>
    value === undefined ? undefined : ON_WORDS.includes(value),
  );

const port = (fallback: number) => integer(0, fallback).pipe(z.number().max(65535));

/** `host:port,host:port`: the nodes a client asks first (any of a cluster's, or every sentinel). */
const hostPorts = () =>
  optional(z.string()).transform((text, context) => {
    if (text === undefined) return undefined;
    const nodes: Array<{ host: string; port: number }> = [];
    const entries = text
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    if (entries.length === 0) context.addIssue({ code: 'custom', message: 'names no host:port' });
    for (const entry of entries) {
      const match = /^([^\s:/@,]+|\[[0-9a-fA-F:.]+\]):(\d{1,5})$/.exec(entry);
      const port = Number(match?.[2]);
      if (match?.[1] && port >= 1 && port <= 65535)
        nodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
      else context.addIssue({ code: 'custom', message: `"${entry}" is not host:port` });
    }
    return nodes;
  });

/** Every variable the gateway reads, with its default; empty counts as unset. */
export const envSchema = z.object({
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
  CACHE_STALE_WHILE_REVALIDATE: flag(),
  REFRESH_AHEAD_CREDITS_DAILY: integer(0, 0),
  REFRESH_AHEAD_MIN_HITS: integer(1, 3),
  REFRESH_AHEAD_HALF_LIFE_MS: integer(1_000, 600_000),
  REFRESH_AHEAD_INTERVAL_MS: integer(100, 5_000),
  CACHE_MAX_ENTRIES: integer(1, 10_000),
  CACHE_MAX_BYTES: integer(1_024, 67_108_864),
  RESPONSE_CACHE_MAX_ENTRIES: integer(0, 5_000),
  RESPONSE_CACHE_MAX_BYTES: integer(1_024, 33_554_432),
  REDIS_URL: optional(z.url({ protocol: /^rediss?$/ })),
  REDIS_CLUSTER_NODES: hostPorts(),
  REDIS_SENTINELS: hostPorts(),
  REDIS_SENTINEL_NAME: optional(z.string().trim()),
  REDIS_PASSWORD: optional(z.string()),
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
  // OpenTelemetry's standard names; the SDK reads its other OTEL_* variables itself.
  OTEL_EXPORTER_OTLP_ENDPOINT: optional(z.url({ protocol: /^https?$/ })),
  OTEL_SERVICE_NAME: optional(z.string()).transform((value) => value ?? 'tiktok-insights-gateway'),
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

export type EnvVars = z.output<typeof envSchema>;
