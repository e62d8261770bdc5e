import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GRAPHIQL_ASSETS,
  graphiqlAssetLocation,
  prepareGraphiQLAssets,
} from '../src/server/graphiql/asset-files.js';
import { GRAPHIQL_DEFAULT_QUERY } from '../src/server/graphiql/default-query.js';
import { drain } from './helpers/drain.js';
import { listen } from './helpers/listen.js';
import { startTestGateway, useTestGateway } from './helpers/test-gateway.js';

const location = graphiqlAssetLocation();
const ASSET_BASE = `/graphiql/${location.version}/`;
const DECODE = { br: brotliDecompressSync, gzip: gunzipSync };

// The first run on a machine cuts GraphiQL's files out of render-graphiql's bundle, in a child process.
beforeAll(() => prepareGraphiQLAssets(location.directory), 120_000);

describe('HTTP endpoints', () => {
  const harness = useTestGateway();

  it('serves GraphiQL at /graphql to a browser, with a default query that runs', async () => {
    const response = await harness.gateway.fetch('http://gateway.test/graphql', {
      headers: { accept: 'text/html' },
    });
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('TikTok Shop Insights GraphQL');
    expect(html).toContain(JSON.stringify(GRAPHIQL_DEFAULT_QUERY).slice(1, 40));

    const run = await harness.executeText(GRAPHIQL_DEFAULT_QUERY);
    expect(run.body.errors).toBeUndefined();
    expect(run.body.data).toMatchObject({ categoryInsight: { id: '601583:US:7', title: 'Perfume' } });
    expect(harness.upstream.calls).toHaveLength(1);
  });

  it("serves a small GraphiQL page whose scripts, styles and workers are all the gateway's own", async () => {
    const response = await harness.gateway.fetch('http://gateway.test/graphql', {
      headers: { accept: 'text/html' },
    });
    const html = await response.text();
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"|"(\/[^"]+\.js)"/g)].map((m) => m[1] ?? m[2]);

    expect(html.length).toBeLessThan(10_000);
    expect(html).toContain('YogaGraphiQL.renderYogaGraphiQL');
    expect(html).not.toMatch(/https?:\/\//);
    expect(urls.sort()).toEqual(GRAPHIQL_ASSETS.map((asset) => `${ASSET_BASE}${asset.file}`).sort());
  });

  it('streams each GraphiQL file plain, gzip or Brotli, byte for byte the file on disk', async () => {
    for (const asset of GRAPHIQL_ASSETS) {
      const onDisk = readFileSync(join(location.directory, asset.file));
      for (const encoding of [null, 'gzip', 'br'] as const) {
        const response = await harness.gateway.fetch(`http://gateway.test${ASSET_BASE}${asset.file}`, {
          headers: encoding ? { 'accept-encoding': encoding } : {},
        });
        const body = Buffer.from(await response.arrayBuffer());

        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe(asset.contentType);
        expect(response.headers.get('content-encoding')).toBe(encoding);
        expect(response.headers.get('content-length')).toBe(String(body.length));
        expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(response.headers.get('vary')).toBe('Accept-Encoding');
        expect(response.headers.get('x-request-id')).toBeTruthy();
        if (encoding) expect(body.length).toBeLessThan(onDisk.length * 0.6);
        expect(encoding ? DECODE[encoding](body).equals(onDisk) : body.equals(onDisk)).toBe(true);
      }
    }
  });

  it('picks Brotli over gzip, and never an encoding the browser gives q=0', async () => {
    const served = async (acceptEncoding: string) => {
      const response = await harness.gateway.fetch(`http://gateway.test${ASSET_BASE}graphiql.css`, {
        headers: { 'accept-encoding': acceptEncoding },
      });
      await response.arrayBuffer();
      return response.headers.get('content-encoding');
    };

    expect(await served('gzip, deflate, br, zstd')).toBe('br');
    expect(await served('br;q=0, gzip')).toBe('gzip');
    expect(await served('br;q=0.5, gzip;q=0.8')).toBe('gzip');
    expect(await served('*')).toBe('br');
    expect(await served('*;q=0')).toBeNull();
    expect(await served('gzip;q=0')).toBeNull();
    expect(await served('identity')).toBeNull();
  });

  it('answers 404 for any other file under /graphiql/, and keeps GraphQL answers uncompressed', async () => {
    const status = async (path: string) => (await harness.gateway.fetch(`http://gateway.test${path}`)).status;

    expect(await status(`${ASSET_BASE}nope.js`)).toBe(404);
    expect(await status(`${ASSET_BASE}graphiql.js.br`)).toBe(404);
    expect(await status('/graphiql/0.0.1/graphiql.js')).toBe(404);
    expect(await status(`${ASSET_BASE}..%2f..%2f..%2fpackage.json`)).toBe(404);
    expect(await status(`${ASSET_BASE}%2e%2e/%2e%2e/%2e%2e/package.json`)).toBe(404);
    const query = await harness.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip, br' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(query.headers.get('content-encoding')).toBeNull();
    expect((await query.json()).data).toEqual({ __typename: 'Query' });
  });

  it('answers 404 to `..` paths sent over HTTP exactly as written', async () => {
    const http = await listen(harness.gateway);
    try {
      for (const path of [`${ASSET_BASE}../../../package.json`, `${ASSET_BASE}..%2F..%2Fpackage.json`]) {
        const { status, body } = await rawGet(http.url, path);
        expect({ path, status }).toEqual({ path, status: 404 });
        expect(body).not.toContain('tiktok-insights-gateway');
      }
    } finally {
      await http.close();
    }
  });

  it('answers /health with 200', async () => {
    const response = await harness.gateway.fetch('http://gateway.test/health');

    expect(response.status).toBe(200);
  });

  it('answers GET queries too, for caches and quick checks', async () => {
    const query = encodeURIComponent('{ categoryInsight(id: "601583") { title } }');
    const response = await harness.gateway.fetch(`http://gateway.test/graphql?query=${query}`, {
      // A GET is a "simple" request a foreign page could send, so CSRF prevention asks for a header.
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    });

    expect((await response.json()).data).toEqual({ categoryInsight: { title: 'Perfume' } });
  });

  it('refuses an operation that does not parse with 400 and no upstream call', async () => {
    const result = await harness.executeText('{ categoryInsight(id: ');

    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.message).toContain('Syntax Error');
    expect(harness.upstream.calls).toHaveLength(0);
  });
});

describe('GraphiQL switched off', () => {
  it('serves no GraphiQL page and none of its files when GRAPHIQL_ENABLED=false', async () => {
    const harness = await startTestGateway({ env: { GRAPHIQL_ENABLED: 'false' } });
    try {
      const response = await harness.gateway.fetch('http://gateway.test/graphql', {
        headers: { accept: 'text/html' },
      });
      expect(await response.text()).not.toContain('<html');
      for (const asset of GRAPHIQL_ASSETS) {
        const file = await harness.gateway.fetch(`http://gateway.test${ASSET_BASE}${asset.file}`);
        expect({ file: asset.file, status: file.status }).toEqual({ file: asset.file, status: 404 });
      }
    } finally {
      await harness.close();
    }
  });
});

describe('GraphiQL memory', () => {
  it('streams the page and every file in each encoding, three times over, and keeps none of it', async () => {
    const harness = await startTestGateway();
    const http = await listen(harness.gateway);
    try {
      const paths = ['/graphql', ...GRAPHIQL_ASSETS.map((asset) => `${ASSET_BASE}${asset.file}`)];
      const before = settledMemory();
      let bytes = 0;
      for (let round = 0; round < 3; round++) {
        for (const encoding of ['identity', 'gzip', 'br']) {
          for (const path of paths) bytes += await drain(`${http.url}${path}`, encoding);
        }
      }
      const after = settledMemory();
      const grownMb = (key: 'rss' | 'heapUsed' | 'external') => (after[key] - before[key]) / 2 ** 20;

      // Each round sends the files plain, gzip and Brotli: about 13 MB.
      expect(bytes).toBeGreaterThan(36 * 2 ** 20);
      // What survives a full collection; the page rendered and compressed in memory kept over 60 MB.
      expect(grownMb('heapUsed') + grownMb('external')).toBeLessThan(10);
      // Loose: resident size also counts V8's young generation and malloc settling in under the traffic.
      expect(grownMb('rss')).toBeLessThan(80);
    } finally {
      await http.close();
      await harness.close();
    }
  });
});

/** GET without fetch's URL tidying: the path goes out exactly as written. */
function rawGet(origin: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(origin, { path }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body })).on('error', reject);
    }).on('error', reject);
  });
}

/** Memory after a full collection, exposing `gc` at run time as jest's leak detector does. */
function settledMemory(): NodeJS.MemoryUsage {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage();
}
