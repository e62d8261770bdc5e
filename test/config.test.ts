import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';

describe('config', () => {
  it('starts in demo mode with documented defaults when nothing is set', () => {
    const result = parseConfig({});

    expect(result).toEqual({
      ok: true,
      config: {
        server: { host: '0.0.0.0', port: 4000, graphiql: true },
        upstream: {
          baseUrl: 'https://api.keyapi.ai',
          apiKey: '',
          connectTimeoutMs: 5_000,
          headersTimeoutMs: 10_000,
          bodyTimeoutMs: 10_000,
          requestTimeoutMs: 15_000,
          maxResponseBytes: 1_048_576,
          connections: 16,
        },
        concurrency: { maxConcurrent: 16, maxQueued: 200, queueTimeoutMs: 5_000 },
        rateLimit: { qps: 10, burst: 10 },
        retry: {
          maxAttempts: 3,
          baseDelayMs: 200,
          maxDelayMs: 2_000,
          maxRetryAfterMs: 10_000,
          maxTotalMs: 20_000,
        },
        breaker: { failureThreshold: 5, cooldownMs: 30_000, quotaPauseMs: 600_000 },
        cache: {
          ttlMs: { '1': 600_000, '7': 3_600_000, '30': 21_600_000, month: 604_800_000 },
          staleGraceMs: 86_400_000,
          negativeTtlMs: 60_000,
          maxEntries: 10_000,
          maxBytes: 67_108_864,
        },
        responseCache: { maxEntries: 5_000, maxBytes: 33_554_432 },
        redis: null,
        budgets: { perOperation: 40, perClient: 2_000, global: 20_000 },
        armor: { maxDepth: 8, maxAliases: 15, maxTokens: 1_000, maxDirectives: 10, maxRequestBytes: 65_536 },
        auth: { tokens: new Map(), trustProxy: false },
        logLevel: 'info',
        demo: { latencyMs: 120 },
      },
    });
  });

  it('uses the real upstream when a key is set, and counts empty variables as unset', () => {
    const result = parseConfig({
      KEYAPI_API_KEY: 'sk_live_x',
      PORT: '',
      KEYAPI_BASE_URL: ' ',
      GRAPHIQL_ENABLED: 'off',
    });

    expect(result.ok && result.config.demo).toBeNull();
    expect(result.ok && result.config.server).toEqual({ host: '0.0.0.0', port: 4000, graphiql: false });
    expect(result.ok && result.config.upstream.baseUrl).toBe('https://api.keyapi.ai');
  });

  it('reports every problem at once', () => {
    const result = parseConfig({
      KEYAPI_API_KEY: 'sk_live_x',
      KEYAPI_BASE_URL: 'ftp://example.com',
      PORT: '70000',
      KEYAPI_MAX_CONCURRENCY: '0',
      GRAPHIQL_ENABLED: 'maybe',
    });

    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((error) => error.split(':')[0])).toEqual([
      'KEYAPI_BASE_URL',
      'PORT',
      'GRAPHIQL_ENABLED',
      'KEYAPI_MAX_CONCURRENCY',
    ]);
  });

  it('refuses a base URL without a key rather than silently serving demo data', () => {
    const result = parseConfig({ KEYAPI_BASE_URL: 'http://127.0.0.1:9' });

    expect(result).toEqual({
      ok: false,
      errors: ['KEYAPI_API_KEY: required when KEYAPI_BASE_URL is set (unset both for demo mode)'],
    });
  });
});
