/**
 * Hive Gateway's configuration in docker-compose.yml: ghcr.io/graphql-hive/gateway reads
 * gateway.config.ts from its working directory, /gateway, beside supergraph.graphql.
 */
import type { PropagateHeadersOpts } from '@graphql-hive/gateway-runtime';

const propagateHeaders: PropagateHeadersOpts<Record<string, unknown>> = {
  // With GATEWAY_TOKENS, the insights subgraph names each client by its bearer token: pass it on,
  // or every client would reach it as one anonymous router.
  fromClientToSubgraphs: ({ request, subgraphName }) =>
    subgraphName === 'insights' ? { authorization: request.headers.get('authorization') } : undefined,
};

export const gatewayConfig = {
  supergraph: './supergraph.graphql',
  propagateHeaders,
};
