/** Where GraphQL is served; every plugin that answers or observes it compares against this. */
export const GRAPHQL_PATH = '/graphql';

/** The path of a request URL, without building a URL object on every request. */
export function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const end = url.indexOf('?', start);
  return start < 0 ? '/' : url.slice(start, end < 0 ? undefined : end);
}
