import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { bearerToken } from '../client-identity.js';

/**
 * When tokens are configured, a GraphQL request must carry one as a bearer token. A missing or
 * unknown token is refused before parsing, so it costs nothing. GraphiQL's page and the
 * health endpoints stay open; the operations GraphiQL sends need the token too.
 */
export function useClientAuth(tokens: ReadonlyMap<string, string>): Plugin {
  return {
    onRequestParse({ request }) {
      if (tokens.size === 0) return;
      const token = bearerToken(request);
      if (token !== undefined && tokens.has(token)) return;
      throw createGraphQLError(
        token === undefined ? 'A gateway token is required' : 'Unknown gateway token',
        {
          extensions: {
            code: 'UNAUTHENTICATED',
            http: { status: 401, headers: { 'www-authenticate': 'Bearer realm="tiktok-insights"' } },
          },
        },
      );
    },
  };
}
