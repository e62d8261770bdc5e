// Hand-written: render-graphiql's page inlines every file, and yoga's own loads them from unpkg.com.
import type { GraphiQLOptions } from 'graphql-yoga';
import { GRAPHIQL_ASSETS } from './asset-files.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const html = (text: string) => text.replace(/[&<>"]/g, (char) => HTML_ESCAPES[char] ?? char);
/** JSON that cannot end the `<script>` it sits in. */
const scriptJson = (value: unknown) => JSON.stringify(value).replaceAll('<', '\\u003c');

/**
 * render-graphiql's page with its inlined scripts, styles and workers replaced by the files
 * under `base`: the same GraphiQL, a few kilobytes of HTML.
 */
export function renderGraphiQLPage(options: GraphiQLOptions, base: string): string {
  const workers = Object.fromEntries(
    GRAPHIQL_ASSETS.flatMap((asset) => (asset.worker ? [[asset.worker, base + asset.file]] : [])),
  );
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${html(options.title || 'Yoga GraphiQL')}</title>
    <link rel="icon" href="${html(options.favicon || `${base}favicon.ico`)}" />
    <link rel="stylesheet" href="${base}graphiql.css" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div>
    <script>
      const workers = ${scriptJson(workers)};
      self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (moduleId, label) => workers[label] };
    </script>
    <script src="${base}graphiql.js"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${scriptJson(options)});
    </script>
  </body>
</html>
`;
}
