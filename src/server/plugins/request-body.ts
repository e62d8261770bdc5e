import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';

/**
 * The request body, read once and capped. Yoga's own `maxRequestBodySize` pipes every body
 * through a TransformStream into a new Request; here a JSON body is read into text once, shared
 * by the response cache (its key) and the GraphQL parser, and only a body without a declared
 * length is counted as it streams: node's HTTP parser never delivers more than Content-Length.
 */
const texts = new WeakMap<Request, Promise<string>>();

/** Yoga's rule for a JSON POST (its `isPOSTJsonRequest`), so both read the same requests. */
export function isJsonPost(request: Request): boolean {
  if (request.method !== 'POST') return false;
  const contentType = request.headers.get('content-type')?.split(',')[0];
  return (
    contentType !== undefined &&
    ['application/json', 'application/graphql+json'].some(
      (type) => contentType === type || contentType.startsWith(`${type};`),
    )
  );
}

/** The body as UTF-8 text, read at most once per request; refused with 413 past `maxBytes`. */
export function bodyText(request: Request, maxBytes: number): Promise<string> {
  let text = texts.get(request);
  if (text === undefined) {
    text = readText(request, maxBytes);
    texts.set(request, text);
  }
  return text;
}

async function readText(request: Request, maxBytes: number): Promise<string> {
  if (!request.headers.has('content-length')) return (await readCounted(request, maxBytes)).toString('utf8');
  const text = await request.text();
  // Over HTTP the declared length already bounded this read; an in-process caller's may lie.
  if (Buffer.byteLength(text) > maxBytes) throw bodyTooLarge();
  return text;
}

/** Reads a body of no declared length, refusing it as soon as it passes `maxBytes`. */
async function readCounted(request: Request, maxBytes: number): Promise<Buffer<ArrayBuffer>> {
  const reader = request.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, size);
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw bodyTooLarge();
    }
    chunks.push(value);
  }
}

/**
 * Caps every request body at `maxBytes` (yoga's `maxRequestBodySize` must be off) with yoga's
 * own errors: 400 for a malformed Content-Length, 413 for too large a body. JSON POSTs are
 * parsed from {@link bodyText}, so the response cache's read is the only one.
 */
export function useRequestBody(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!/^\d+$/.test(declared)) throw invalidContentLength();
        if (Number(declared) > maxBytes) throw bodyTooLarge();
      }
      if (!requestParser) return;
      if (isJsonPost(request)) {
        setRequestParser(async () => parseJsonParams(await bodyText(request, maxBytes)));
      } else if (declared === null && request.body) {
        // Rare (a chunked `application/graphql` or form body): count it, then let yoga parse it.
        setRequestParser(async () =>
          requestParser(
            new fetchAPI.Request(request.url, {
              method: request.method,
              headers: request.headers,
              body: await readCounted(request, maxBytes),
            }),
          ),
        );
      }
    },
  };
}

/** Yoga's JSON request parsing, errors included, over text already read. */
function parseJsonParams(text: string): GraphQLParams {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw createGraphQLError('POST body sent invalid JSON.', {
      extensions: {
        http: { spec: true, status: 400 },
        code: 'BAD_REQUEST',
        originalError: { name: (error as Error).name, message: (error as Error).message },
      },
    });
  }
  if (body === null || typeof body !== 'object') {
    throw createGraphQLError(
      `POST body is expected to be object but received ${body === null ? body : typeof body}`,
      { extensions: { http: { status: 400 }, code: 'BAD_REQUEST' } },
    );
  }
  // Yoga checks the params' shape itself, after every parser.
  return body as GraphQLParams;
}

function bodyTooLarge() {
  return createGraphQLError('Request body too large', {
    extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' },
  });
}

function invalidContentLength() {
  return createGraphQLError('Content-Length header is invalid.', {
    extensions: { http: { status: 400 }, code: 'BAD_REQUEST' },
  });
}
