import type { GraphiQLOptions } from 'graphql-yoga';

/**
 * GraphiQL with its scripts and styles inlined, so the page works where unpkg.com (yoga's
 * default asset host) is unreachable: offline laptops, locked-down networks. The bundle is
 * about 9 MB, so it is loaded on the first visit rather than at start-up, and the page is
 * rendered once.
 */
export function createOfflineGraphiQLRenderer(): (options: GraphiQLOptions) => Promise<string> {
  let page: Promise<string> | undefined;
  // The gateway's GraphiQL options never vary by request, so one rendering serves every visit.
  return (options) => {
    page ??= import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) => renderGraphiQL(options));
    return page;
  };
}
