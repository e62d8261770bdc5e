import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { type GraphiQLOptions, type Plugin, shouldRenderGraphiQL } from 'graphql-yoga';

type Encoding = 'br' | 'gzip';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

const COMPRESS: Record<Encoding, (page: string) => Promise<Uint8Array<ArrayBuffer>>> = {
  // Quality 5 of 11: 1.9 MB in about 0.3 s, once; the top qualities take tens of seconds.
  br: async (page) => new Uint8Array(await brotli(page, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })),
  gzip: async (page) => new Uint8Array(await gzipped(page)),
};

export interface OfflineGraphiQL {
  /** Yoga's `renderGraphiQL`. */
  render: (options: GraphiQLOptions) => Promise<string>;
  /** Sends the page compressed to a browser that accepts Brotli or gzip. */
  compression: Plugin;
}

/**
 * GraphiQL with its scripts and styles inlined, so the page works where unpkg.com (yoga's
 * default asset host) is unreachable: offline laptops, locked-down networks. The bundle is
 * about 9 MB, so it is loaded on the first visit rather than at start-up, the page is rendered
 * once, and each compressed form (2.4 MB gzip, 1.9 MB Brotli) is made once, on first demand.
 */
export function createOfflineGraphiQL(): OfflineGraphiQL {
  let page: Promise<string> | undefined;
  const compressed = new Map<Encoding, Promise<Uint8Array<ArrayBuffer>>>();
  return {
    // The gateway's GraphiQL options never vary by request, so one rendering serves every visit.
    render: (options) => {
      page ??= import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) => renderGraphiQL(options));
      return page;
    },
    compression: {
      async onResponse({ request, response, setResponse, fetchAPI }) {
        const rendered = page;
        // Yoga's GraphiQL plugin is the only source of an HTML page at the endpoint.
        const isPage =
          rendered !== undefined &&
          shouldRenderGraphiQL(request) &&
          response.status === 200 &&
          response.headers.get('content-type')?.startsWith('text/html');
        if (!isPage) return;
        response.headers.append('vary', 'Accept-Encoding');
        const encoding = preferredEncoding(request.headers.get('accept-encoding'));
        if (!encoding) return;
        let body = compressed.get(encoding);
        if (!body) {
          body = rendered.then(COMPRESS[encoding]);
          compressed.set(encoding, body);
        }
        const headers = new fetchAPI.Headers(response.headers);
        headers.set('content-encoding', encoding);
        headers.delete('content-length');
        await response.body?.cancel();
        setResponse(new fetchAPI.Response(await body, { status: 200, headers }));
      },
    },
  };
}

/** Brotli over gzip when the client takes either (RFC 9110 §12.5.3: q=0 means "not acceptable"). */
function preferredEncoding(header: string | null): Encoding | undefined {
  const accepted = new Map<string, number>();
  for (const entry of (header ?? '').toLowerCase().split(',')) {
    const [name = '', ...params] = entry.split(';').map((part) => part.trim());
    const q = params.find((param) => param.startsWith('q='));
    if (name) accepted.set(name, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  const weight = (encoding: Encoding) => accepted.get(encoding) ?? accepted.get('*') ?? 0;
  if (weight('br') > 0 && weight('br') >= weight('gzip')) return 'br';
  return weight('gzip') > 0 ? 'gzip' : undefined;
}
