import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Listening, listen } from './helpers/listen.js';
import { startTestGateway, type TestGateway } from './helpers/test-gateway.js';

const CAP = 2_000;
const SMALL_JSON = JSON.stringify({ query: '{ categoryInsight(id: "601583") { id } }' });
const LARGE_JSON = JSON.stringify({
  query: '{ categoryInsight(id: "601583") { id } }',
  variables: { pad: 'x'.repeat(CAP) },
});

interface Reply {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

describe('request bodies', () => {
  let harness: TestGateway;
  let http: Listening;

  beforeAll(async () => {
    harness = await startTestGateway({ env: { MAX_REQUEST_BYTES: String(CAP) } });
    http = await listen(harness.gateway);
  });
  beforeEach(() => {
    harness.upstream.reset();
  });
  afterAll(async () => {
    await http?.close();
    await harness?.close();
  });

  /**
   * POSTs over real HTTP. Without `length` node sends the chunks with chunked transfer-encoding,
   * so nothing declares the size up front: the case a Content-Length check alone would miss.
   */
  function post(contentType: string, chunks: string[], length?: number): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { 'content-type': contentType };
      if (length !== undefined) headers['content-length'] = String(length);
      const req = httpRequest(`${http.url}/graphql`, { method: 'POST', headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });
  }
  const halves = (text: string) => [text.slice(0, text.length >> 1), text.slice(text.length >> 1)];

  it('answers a chunked JSON body under the cap', async () => {
    const reply = await post('application/json', halves(SMALL_JSON));

    expect(reply).toEqual({
      status: 200,
      body: { data: { categoryInsight: { id: '601583:all_regions:1' } }, extensions: expect.any(Object) },
    });
    expect(harness.upstream.calls).toHaveLength(1);
  });

  it('refuses a chunked JSON body over the cap with 413, at no cost', async () => {
    const reply = await post('application/json', halves(LARGE_JSON));

    expect(reply.status).toBe(413);
    expect(reply.body.errors?.[0]).toMatchObject({
      message: 'Request body too large',
      extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' },
    });
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('refuses a declared Content-Length over the cap with 413, at no cost', async () => {
    const reply = await post('application/json', [LARGE_JSON], Buffer.byteLength(LARGE_JSON));

    expect(reply.status).toBe(413);
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('caps a chunked application/graphql body the same way', async () => {
    const small = await post('application/graphql', halves('{ categoryInsight(id: "601584") { id } }'));
    const large = await post(
      'application/graphql',
      halves(`{ categoryInsight(id: "601583") { id } }#${'x'.repeat(CAP)}`),
    );

    expect(small.body.data).toEqual({ categoryInsight: { id: '601584:all_regions:1' } });
    expect(large.status).toBe(413);
    expect(harness.upstream.calls).toHaveLength(1);
  });

  it('refuses malformed JSON and non-object bodies with 400 BAD_REQUEST, at no cost', async () => {
    const malformed = await post('application/json', ['{"query": '], 10);
    const array = await post('application/json', ['"a string"'], 10);

    expect(malformed.status).toBe(400);
    expect(malformed.body.errors?.[0]).toMatchObject({
      message: 'POST body sent invalid JSON.',
      extensions: { code: 'BAD_REQUEST' },
    });
    expect(array.status).toBe(400);
    expect(array.body.errors?.[0]?.message).toBe('POST body is expected to be object but received string');
    expect(harness.upstream.calls).toHaveLength(0);
  });

  /** In process, where nothing but the gateway checks a declared Content-Length against the body. */
  const postInProcess = (contentLength: string, body: string) =>
    harness.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': contentLength },
      body,
    });

  it('refuses a malformed Content-Length with 400', async () => {
    const response = await postInProcess('12, 12', SMALL_JSON);

    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].message).toBe('Content-Length header is invalid.');
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('refuses an in-process body longer than its declared Content-Length', async () => {
    const response = await postInProcess('100', LARGE_JSON);

    expect(response.status).toBe(413);
    expect(harness.upstream.calls).toHaveLength(0);
  });
});
