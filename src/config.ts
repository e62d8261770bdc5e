import { z } from 'zod';
import { readTrustedDocuments, type TrustedDocuments } from './server/trusted-documents.js';
import type { InsightClientOptions } from './upstream/insight-client.js';

/** The gateway's whole configuration: parsed once from the environment, then passed down. */
export interface GatewayConfig {
  server: {
    host: string;
    port: number;
    /** Serve GraphiQL at the GraphQL endpoint. */
    graphiql: boolean;
  };
  upstream: InsightClientOptions & {
    /** Upstream calls in flight at once across all requests. */
    maxConcurrency: number;
  };
  /** Set when KEYAPI_API_KEY is unset: the gateway starts its embedded stand-in upstream. */
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

const flag = (fallback: boolean) =>
  optional(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])).transform((value) =>
    value === undefined ? fallback : ['true', '1', 'yes', 'on'].includes(value),
  );

const envSchema = z.object({
  KEYAPI_API_KEY: optional(z.string()),
  KEYAPI_BASE_URL: optional(z.url({ protocol: /^https?$/ })),
  PORT: integer(0, 4000).pipe(z.number().max(65535)),
  HOST: optional(z.string()).transform((value) => value ?? '0.0.0.0'),
  GRAPHIQL_ENABLED: flag(true),
  KEYAPI_CONNECT_TIMEOUT_MS: integer(1, 5_000),
  KEYAPI_HEADERS_TIMEOUT_MS: integer(1, 10_000),
  KEYAPI_BODY_TIMEOUT_MS: integer(1, 10_000),
  KEYAPI_REQUEST_TIMEOUT_MS: integer(1, 15_000),
  KEYAPI_MAX_RESPONSE_BYTES: integer(1_024, 1_048_576),
  KEYAPI_MAX_CONCURRENCY: integer(1, 16),
  DEMO_UPSTREAM_LATENCY_MS: integer(0, 120),
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

export type ConfigResult = { ok: true; config: GatewayConfig } | { ok: false; errors: string[] };

/** Reads every variable at once and reports every problem at once. */
export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    };
  }
  const vars = parsed.data;
  if (vars.KEYAPI_API_KEY === undefined && vars.KEYAPI_BASE_URL !== undefined) {
    // Serving synthetic data to someone who meant to reach a real server would be a silent lie.
    return {
      ok: false,
      errors: ['KEYAPI_API_KEY: required when KEYAPI_BASE_URL is set (unset both for demo mode)'],
    };
  }
  return {
    ok: true,
    config: {
      server: { host: vars.HOST, port: vars.PORT, graphiql: vars.GRAPHIQL_ENABLED },
      upstream: {
        baseUrl: vars.KEYAPI_BASE_URL ?? DEFAULT_BASE_URL,
        apiKey: vars.KEYAPI_API_KEY ?? '',
        connectTimeoutMs: vars.KEYAPI_CONNECT_TIMEOUT_MS,
        headersTimeoutMs: vars.KEYAPI_HEADERS_TIMEOUT_MS,
        bodyTimeoutMs: vars.KEYAPI_BODY_TIMEOUT_MS,
        requestTimeoutMs: vars.KEYAPI_REQUEST_TIMEOUT_MS,
        maxResponseBytes: vars.KEYAPI_MAX_RESPONSE_BYTES,
        maxConcurrency: vars.KEYAPI_MAX_CONCURRENCY,
        connections: vars.KEYAPI_MAX_CONCURRENCY,
      },
      demo: vars.KEYAPI_API_KEY === undefined ? { latencyMs: vars.DEMO_UPSTREAM_LATENCY_MS } : null,
      ...(vars.TRUSTED_DOCUMENTS_FILE && { trustedDocuments: vars.TRUSTED_DOCUMENTS_FILE }),
    },
  };
}
