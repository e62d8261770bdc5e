import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { GatewayConfig } from '../config.js';
import { createCategoryCatalog } from '../loaders/category-catalog.js';
import { createInsightFetcher } from '../loaders/insight-fetcher.js';
import { createInsightLoader } from '../loaders/insight-loader.js';
import type { GatewayContext } from '../schema/builder.js';
import { maskGatewayError } from '../schema/errors.js';
import { schema } from '../schema/index.js';
import { createInsightClient } from '../upstream/insight-client.js';
import { GRAPHIQL_DEFAULT_QUERY } from './graphiql-default-query.js';
import { createOfflineGraphiQLRenderer } from './offline-graphiql.js';
import { useTrustedDocuments } from './trusted-documents.js';
import { useAutomaticPersistedQueries } from './use-automatic-persisted-queries.js';

export interface GatewayDeps {
  /** The gateway's clock: decides which months are available and stamps `fetchedAt`. */
  clock?: () => Date;
}

export type Gateway = YogaServerInstance<Record<string, unknown>, GatewayContext>;

/**
 * Builds the gateway without listening: tests call `gateway.fetch` in-process, `main.ts` hands
 * it to `node:http`. `gateway.dispose()` closes the upstream connections.
 */
export function createGateway(config: GatewayConfig, deps: GatewayDeps = {}): Gateway {
  const clock = deps.clock ?? (() => new Date());
  const client = createInsightClient(config.upstream);
  const fetchInsight = createInsightFetcher({
    client,
    maxConcurrency: config.upstream.maxConcurrency,
    clock,
  });
  const catalog = createCategoryCatalog();

  return createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    graphiql: config.server.graphiql && {
      title: 'TikTok Shop Insights GraphQL',
      defaultQuery: GRAPHIQL_DEFAULT_QUERY,
    },
    renderGraphiQL: createOfflineGraphiQLRenderer(),
    maskedErrors: { maskError: maskGatewayError },
    // One loader per request: batching and deduplication never leak data between clients.
    context: () => ({ insights: createInsightLoader(fetchInsight, clock(), catalog) }),
    plugins: [
      // Trusted mode runs only the manifest's documents, so no client may register its own.
      config.trustedDocuments ? useTrustedDocuments(config.trustedDocuments) : useAutomaticPersistedQueries(),
      { onDispose: () => client.close() },
    ],
  });
}
