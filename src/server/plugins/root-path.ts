import type { Plugin } from 'graphql-yoga';
import { GRAPHQL_PATH } from '../../request-path.js';

/** `GET /` leads somewhere: to GraphiQL when it is on, else to a line saying where GraphQL is. */
export function useRootPath(graphiql: boolean): Plugin {
  return {
    onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== '/' || request.method !== 'GET') return;
      if (graphiql) {
        endResponse(fetchAPI.Response.redirect(new URL(GRAPHQL_PATH, url), 302));
        return;
      }
      endResponse(
        fetchAPI.Response.json(
          { message: 'This is a GraphQL API: POST queries to /graphql' },
          { status: 404 },
        ),
      );
    },
  };
}
