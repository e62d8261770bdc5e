import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config.js';

describe('config', () => {
  it('starts in demo mode with documented defaults when nothing is set', () => {
    const result = parseConfig({});

    expect(result).toEqual({
      ok: true,
      config: {
        server: { host: '0.0.0.0', port: 4000, metricsPort: 9464, graphiql: true, shutdownDelayMs: 0 },
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
        cooldown: { baseMs: 1_000, maxMs: 60_000 },
        cache: {
          ttlMs: { '1': 600_000, '7': 3_600_000, '30': 21_600_000, month: 604_800_000 },
          staleGraceMs: 86_400_000,
          negativeTtlMs: 60_000,
          maxEntries: 10_000,
          maxBytes: 67_108_864,
          staleWhileRevalidate: true,
        },
        refreshAhead: { creditsPerDay: 0, minHits: 3, halfLifeMs: 600_000, intervalMs: 5_000 },
        responseCache: { maxEntries: 5_000, maxBytes: 33_554_432 },
        redis: null,
        budgets: { perOperation: 40, perClient: 2_000, global: 20_000 },
        armor: {
          maxDepth: 8,
          maxAliases: 15,
          maxTokens: 1_000,
          maxDirectives: 10,
          maxRequestBytes: 65_536,
          hideFieldSuggestions: false,
        },
        auth: { tokens: new Map(), trustProxy: 0 },
        logLevel: 'info',
        tracing: { otlpEndpoint: null, serviceName: 'tiktok-insights-gateway' },
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
    expect(result.ok && result.config.server).toMatchObject({ host: '0.0.0.0', port: 4000, graphiql: false });
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

  it('refuses a base URL without a key rather than silently serving demo data, with every other problem', () => {
    const result = parseConfig({ KEYAPI_BASE_URL: 'http://127.0.0.1:9', PORT: 'abc' });

    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toContain(
      'KEYAPI_API_KEY: required when KEYAPI_BASE_URL is set (unset both for demo mode)',
    );
    expect(!result.ok && result.errors.map((error) => error.split(':')[0])).toEqual([
      'PORT',
      'KEYAPI_API_KEY',
    ]);
  });

  it('echoes each bad value, never a secret, and is frozen once parsed', () => {
    const bad = parseConfig({ PORT: 'abc', KEYAPI_API_KEY: 'sk_live_x', GATEWAY_TOKENS: 'short-secret-tok' });
    const good = parseConfig({});

    expect(!bad.ok && bad.errors[0]).toMatch(/^PORT: .* \(got "abc"\)$/);
    expect(!bad.ok && bad.errors.join('\n')).not.toContain('short-secret-tok');
    expect(good.ok && Object.isFrozen(good.config.upstream)).toBe(true);
  });

  it('never starts demo mode under NODE_ENV=production unless DEMO_MODE=true says so', () => {
    const missing = parseConfig({ NODE_ENV: 'production' });
    const demo = parseConfig({ NODE_ENV: 'production', DEMO_MODE: 'true' });
    const real = parseConfig({ NODE_ENV: 'production', KEYAPI_API_KEY: 'sk_live_x' });

    expect(missing).toEqual({
      ok: false,
      errors: [
        'KEYAPI_API_KEY: required under NODE_ENV=production; set it to your KeyAPI key (or DEMO_MODE=true to serve synthetic demo data)',
      ],
    });
    expect(demo.ok && demo.config.demo).toEqual({ latencyMs: 120 });
    expect(real.ok && real.config.demo).toBeNull();
    expect(parseConfig({ KEYAPI_API_KEY: 'sk_live_x', DEMO_MODE: 'true' })).toEqual({
      ok: false,
      errors: ['DEMO_MODE: true conflicts with KEYAPI_API_KEY (unset one of them)'],
    });
  });

  it('turns GraphiQL off under NODE_ENV=production unless GRAPHIQL_ENABLED=true', () => {
    const production = parseConfig({ NODE_ENV: 'production', KEYAPI_API_KEY: 'sk_live_x' });
    const optedIn = parseConfig({
      NODE_ENV: 'production',
      KEYAPI_API_KEY: 'sk_live_x',
      GRAPHIQL_ENABLED: 'true',
    });

    expect(production.ok && production.config.server.graphiql).toBe(false);
    expect(optedIn.ok && optedIn.config.server.graphiql).toBe(true);
  });

  it('takes TRUST_PROXY as a number of proxy hops, and refuses true', () => {
    expect(parseConfig({ TRUST_PROXY: '2' })).toMatchObject({
      ok: true,
      config: { auth: { trustProxy: 2 } },
    });
    expect(parseConfig({ TRUST_PROXY: 'false' })).toMatchObject({
      ok: true,
      config: { auth: { trustProxy: 0 } },
    });
    const refused = parseConfig({ TRUST_PROXY: 'true' });
    expect(!refused.ok && refused.errors).toEqual([
      'TRUST_PROXY: set the number of proxies in front of the gateway (1 behind one load balancer); true would trust an X-Forwarded-For the client wrote',
    ]);
  });
});
