import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type GraphQLFormattedError, print } from 'graphql';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import {
  type DemoUpstream,
  type DemoUpstreamOptions,
  startDemoUpstream,
} from '../../src/demo-upstream/demo-upstream.js';
import { createGateway, type Gateway, type GatewayDeps } from '../../src/server/create-gateway.js';
import { clockAt } from './test-clock.js';

/** Distinctive, so a leak anywhere is easy to spot. */
export const TEST_API_KEY = 'sk_live_TEST_SECRET_5f3a9c0e1b7d';

/** A fixed clock: in 2025-12 the newest month KeyAPI serves is 2025-09. */
export const FIXED_NOW = new Date('2025-12-15T12:00:00Z');

export interface GraphQLResponse<TData> {
  data?: TData | null;
  errors?: GraphQLFormattedError[];
  extensions?: {
    cost?: { upstreamCalls: number; cacheHits: number; coalesced: number; credits: number };
    stale?: Array<{ id: string; fetchedAt: string; reason: string }>;
  };
}

export interface TestGateway {
  upstream: DemoUpstream;
  /** The public GraphQL server, for `fetch` in-process or a `node:http` listener. */
  gateway: Gateway['yoga'];
  /** The whole gateway: metrics, drain, dispose. */
  instance: Gateway;
  /** What the metrics listener would answer a scrape with. */
  metricsText(): Promise<string>;
  /** Sends a typed operation through the gateway's real request pipeline. */
  execute<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    ...variables: TVariables extends Record<string, never> ? [] : [TVariables]
  ): Promise<GraphQLResponse<TData>>;
  /** Sends raw GraphQL text, for operations codegen would refuse to type (invalid ones). */
  executeText(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: GraphQLResponse<unknown> }>;
  close(): Promise<void>;
}

/**
 * A gateway pointed over real HTTP at a stand-in of KeyAPI. `env` overrides the environment
 * the config is parsed from, exactly as an operator would set it.
 */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const clock = options.clock ?? (() => FIXED_NOW);
  const upstream = await startDemoUpstream({ apiKey: TEST_API_KEY, clock, ...options.upstream });
  const harness = connectGateway(upstream, options);
  return {
    ...harness,
    async close() {
      await harness.close();
      await upstream.close();
    },
  };
}

export interface TestGatewayOptions {
  env?: Record<string, string>;
  upstream?: DemoUpstreamOptions;
  clock?: () => Date;
  deps?: GatewayDeps;
}

/** A fresh gateway (empty cache, closed breaker, zero spend) in front of an existing stand-in. */
export function connectGateway(upstream: DemoUpstream, options: TestGatewayOptions = {}): TestGateway {
  const clock = options.clock ?? (() => FIXED_NOW);
  const parsed = parseConfig({
    KEYAPI_API_KEY: TEST_API_KEY,
    KEYAPI_BASE_URL: upstream.url,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const instance = createGateway(parsed.config, { clock: clockAt(clock), ...options.deps });
  const gateway = instance.yoga;

  async function executeText(
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) {
    const response = await gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as GraphQLResponse<unknown> };
  }

  return {
    upstream,
    gateway,
    instance,
    metricsText: () => instance.metrics.text(),
    async execute(document, ...variables) {
      const { body } = await executeText(
        print(document),
        variables[0] as Record<string, unknown> | undefined,
      );
      return body as GraphQLResponse<never>;
    },
    executeText,
    close: () => instance.dispose(),
  };
}

/**
 * One stand-in for the enclosing `describe`, and a fresh gateway for each test, so no test
 * sees another's cache, breaker or spend. The stand-in forgets calls and faults between tests.
 */
export function useTestGateway(options: TestGatewayOptions = {}): TestGateway {
  const harness = {} as TestGateway;
  let upstream: DemoUpstream;
  beforeAll(async () => {
    upstream = await startDemoUpstream({
      apiKey: TEST_API_KEY,
      clock: options.clock ?? (() => FIXED_NOW),
      ...options.upstream,
    });
  });
  beforeEach(() => {
    upstream.reset();
    Object.assign(harness, connectGateway(upstream, options));
  });
  afterEach(() => harness.close());
  afterAll(() => upstream.close());
  return harness;
}
