import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GRAPHIQL_DEFAULT_QUERY } from '../src/server/graphiql-default-query.js';
import { startTestGateway, useTestGateway } from './helpers/test-gateway.js';

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

  it('serves a self-contained GraphiQL page that loads nothing from a CDN', async () => {
    const response = await harness.gateway.fetch('http://gateway.test/graphql', {
      headers: { accept: 'text/html' },
    });
    const html = await response.text();

    expect(html).toContain('YogaGraphiQL.renderYogaGraphiQL');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet[^>]+href=/);
    expect(html).not.toContain('unpkg.com');
  });

  it('sends the 9 MB GraphiQL page compressed to a browser that accepts it, and only the page', async () => {
    const page = (acceptEncoding?: string) =>
      harness.gateway.fetch('http://gateway.test/graphql', {
        headers: { accept: 'text/html', ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) },
      });
    const plain = await page();
    const html = Buffer.from(await plain.arrayBuffer());
    const decoded: Record<string, (body: Buffer) => Buffer> = { br: brotliDecompressSync, gzip: gunzipSync };

    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toContain('Accept-Encoding');
    for (const [acceptEncoding, expected] of [
      ['gzip, deflate, br, zstd', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
      ['*', 'br'],
      ['identity', null],
      ['gzip;q=0', null],
    ] as const) {
      const response = await page(acceptEncoding);
      const body = Buffer.from(await response.arrayBuffer());

      expect({ acceptEncoding, encoding: response.headers.get('content-encoding') }).toEqual({
        acceptEncoding,
        encoding: expected,
      });
      expect(response.headers.get('vary')).toContain('Accept-Encoding');
      expect(response.headers.get('x-request-id')).toBeTruthy();
      if (expected === null) expect(body.equals(html)).toBe(true);
      else {
        expect(body.length).toBeLessThan(html.length / 3);
        expect(decoded[expected]?.(body).equals(html)).toBe(true);
      }
    }
    // GraphQL answers stay uncompressed: small, and many per second.
    const query = await harness.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip, br' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(query.headers.get('content-encoding')).toBeNull();
    expect((await query.json()).data).toEqual({ __typename: 'Query' });
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
  it('serves no GraphiQL page when GRAPHIQL_ENABLED=false', async () => {
    const harness = await startTestGateway({ env: { GRAPHIQL_ENABLED: 'false' } });
    try {
      const response = await harness.gateway.fetch('http://gateway.test/graphql', {
        headers: { accept: 'text/html' },
      });
      expect(await response.text()).not.toContain('<html');
    } finally {
      await harness.close();
    }
  });
});
