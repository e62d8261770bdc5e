// Hand-written: yoga serves no static files, and Node's static-file middlewares do not speak its fetch API.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FetchAPI, Plugin, YogaLogger } from 'graphql-yoga';
import {
  type AssetLocation,
  ENCODED_SUFFIX,
  GRAPHIQL_ASSETS,
  type GraphiQLAsset,
  prepareGraphiQLAssets,
} from './asset-files.js';
import { preferredEncoding } from './preferred-encoding.js';

/** The prefix every asset URL starts with; the version after it makes each URL's content fixed. */
export const ASSETS_PATH = '/graphiql/';

/**
 * Streams GraphiQL's files from disk under `/graphiql/<version>/`, pre-compressed when the
 * browser accepts it. Only the allow-listed names answer; any other path under the prefix is a 404.
 */
export function useGraphiQLAssets(location: AssetLocation): Plugin {
  const base = `${ASSETS_PATH}${location.version}/`;
  const byPath = new Map(GRAPHIQL_ASSETS.map((asset) => [base + asset.file, asset]));
  let logger: YogaLogger = console;
  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(ASSETS_PATH)) return;
      const asset = byPath.get(url.pathname);
      if (!asset) return endResponse(new fetchAPI.Response('Not found', { status: 404 }));
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
      }
      try {
        const directory = await prepareGraphiQLAssets(location.directory);
        endResponse(await assetResponse(request, join(directory, asset.file), asset, fetchAPI));
      } catch (error) {
        // Unwritable cache or a file gone from it: GraphiQL is down, the gateway is not.
        logger.error(error, 'GraphiQL files are unavailable');
        endResponse(new fetchAPI.Response('GraphiQL files are unavailable', { status: 503 }));
      }
    },
  };
}

/** The file in the encoding the request prefers, streamed from disk, or only its headers for HEAD. */
async function assetResponse(request: Request, file: string, asset: GraphiQLAsset, fetchAPI: FetchAPI) {
  const encoding = preferredEncoding(request.headers.get('accept-encoding'));
  const handle = await open(encoding ? file + ENCODED_SUFFIX[encoding] : file);
  const headers: Record<string, string> = {
    'content-type': asset.contentType,
    'content-length': String((await handle.stat()).size),
    'cache-control': 'public, max-age=31536000, immutable',
    vary: 'Accept-Encoding',
    ...(encoding && { 'content-encoding': encoding }),
  };
  if (request.method === 'HEAD') {
    await handle.close();
    return new fetchAPI.Response(null, { headers });
  }
  const body = Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>;
  return new fetchAPI.Response(body, { headers });
}
