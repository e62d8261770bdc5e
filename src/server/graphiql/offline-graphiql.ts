import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { graphiqlAssetLocation, prepareGraphiQLAssets } from './asset-files.js';
import { ASSETS_PATH, useGraphiQLAssets } from './graphiql-assets-plugin.js';
import { renderGraphiQLPage } from './graphiql-page.js';

export interface OfflineGraphiQL {
  /** Yoga's `renderGraphiQL`. */
  render: (options: GraphiQLOptions) => string;
  /** Serves the files the page loads. */
  assets: Plugin;
}

/**
 * GraphiQL served by the gateway itself, so it works where unpkg.com (yoga's default asset
 * host) is unreachable. The page is small; its scripts, styles and workers are files on disk,
 * cut once from render-graphiql's bundle and streamed, so the process never holds them.
 */
export function createOfflineGraphiQL(): OfflineGraphiQL {
  const location = graphiqlAssetLocation();
  return {
    render: (options) => {
      // The browser asks for the files next; have them ready. A failure surfaces on that request.
      prepareGraphiQLAssets(location.directory).catch(() => {});
      return renderGraphiQLPage(options, `${ASSETS_PATH}${location.version}/`);
    },
    assets: useGraphiQLAssets(location),
  };
}
