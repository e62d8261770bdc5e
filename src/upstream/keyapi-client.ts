import { context, propagation } from '@opentelemetry/api';
import { Pool } from 'undici';
import type { z } from 'zod';
import type { Clock } from '../clock.js';
import { envelopeSchema } from './envelope.js';
import type { AttemptHooks, Guard } from './resilience/guard.js';
import { RequestDeadlineError, transportFailure } from './transport-failure.js';
import { codeForStatus, friendlyMessage, isRetryableStatus, UpstreamError } from './upstream-error.js';

/** One KeyAPI endpoint: where it lives, how its parameters are sent, how its `data` is read. */
export interface KeyApiEndpoint<P, T> {
  readonly path: string;
  query(params: P): Record<string, string>;
  readonly data: z.ZodType<T>;
}

export interface KeyApiClientOptions {
  /** Where KeyAPI (or a server speaking its protocol) lives; a path prefix is kept. */
  baseUrl: string;
  apiKey: string;
  connectTimeoutMs: number;
  /** Longest wait for the status line and headers. */
  headersTimeoutMs: number;
  /** Longest silence between two chunks of the body. */
  bodyTimeoutMs: number;
  /** Deadline for the whole exchange, so a server that drips bytes cannot hold a call forever. */
  requestTimeoutMs: number;
  maxResponseBytes: number;
  /** Sockets kept open to the upstream. */
  connections: number;
}

/** KeyAPI over one connection pool: any endpoint, one call, its `data` decoded or a typed error. */
export interface KeyApiClient {
  /** `requestId` is sent as `x-request-id`, so both sides' logs line up. */
  call<P, T>(endpoint: KeyApiEndpoint<P, T>, params: P, requestId?: string): Promise<T>;
  close(): Promise<void>;
}

type Response = Awaited<ReturnType<Pool['request']>>;

export function createKeyApiClient(options: KeyApiClientOptions, clock: Clock): KeyApiClient {
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  // Resolved once per endpoint against the base, not on every attempt.
  const pathnames = new Map<KeyApiEndpoint<never, unknown>, string>();
  const pathnameOf = (endpoint: KeyApiEndpoint<never, unknown>) => {
    let pathname = pathnames.get(endpoint);
    if (pathname === undefined) {
      pathname = new URL(endpoint.path, base).pathname;
      pathnames.set(endpoint, pathname);
    }
    return pathname;
  };
  const pool = new Pool(base.origin, {
    connections: options.connections,
    connectTimeout: options.connectTimeoutMs,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
    maxResponseSize: options.maxResponseBytes,
  });
  const authorization = `Bearer ${options.apiKey}`;

  async function exchange(path: string, requestId: string | undefined, signal: AbortSignal) {
    const headers: Record<string, string> = {
      authorization,
      accept: 'application/json',
      ...(requestId ? { 'x-request-id': requestId } : {}),
    };
    // The attempt's span as `traceparent` (and `tracestate`); the API's no-op when tracing is off.
    propagation.inject(context.active(), headers);
    try {
      const response = await pool.request({ method: 'GET', path, headers, signal });
      return { response, text: await response.body.text() };
    } catch (error) {
      throw transportFailure(error);
    }
  }

  return {
    async call(endpoint, params, requestId) {
      const path = `${pathnameOf(endpoint)}?${new URLSearchParams(endpoint.query(params))}`;
      // A plain timer rather than AbortSignal.timeout(): the same deadline without a DOMException per call.
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(new RequestDeadlineError()), options.requestTimeoutMs);
      try {
        const { response, text } = await exchange(path, requestId, deadline.signal);
        return decode(endpoint, response, text, () => clock.now().getTime());
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => pool.close(),
  };
}

/** The envelope's verdict, then the endpoint's own reading of `data`. */
function decode<T>(
  endpoint: KeyApiEndpoint<unknown, T>,
  response: Response,
  text: string,
  now: () => number,
): T {
  const body = parseJson(text);
  const envelope = envelopeSchema.safeParse(body);
  // Provider text rides along for the logs (scrubbed there); clients get our own words.
  const provider = {
    status: response.statusCode,
    upstreamCode: envelope.success ? envelope.data.code : undefined,
    upstreamMessage: envelope.success ? (envelope.data.message ?? undefined) : undefined,
  };
  if (response.statusCode < 200 || response.statusCode > 299) {
    const code = codeForStatus(response.statusCode);
    throw new UpstreamError(code, friendlyMessage[code], {
      ...provider,
      reason: `status ${response.statusCode}`,
      retryAfterSeconds: parseRetryAfter(response.headers['retry-after'], now()),
      retryable: isRetryableStatus(response.statusCode),
    });
  }
  if (!envelope.success) {
    const reason = body === undefined ? 'not JSON' : 'not a valid envelope';
    throw new UpstreamError('UPSTREAM_UNAVAILABLE', `KeyAPI is unavailable: its answer was ${reason}`, {
      status: response.statusCode,
      reason,
    });
  }
  // The provider does not promise a non-2xx status for business errors, so `code` decides.
  if (envelope.data.code !== 0) {
    throw new UpstreamError('UPSTREAM_ERROR', friendlyMessage.UPSTREAM_ERROR, {
      ...provider,
      reason: `envelope code ${envelope.data.code}`,
    });
  }
  const data = endpoint.data.safeParse(envelope.data.data);
  if (!data.success) {
    throw new UpstreamError('UPSTREAM_UNAVAILABLE', 'KeyAPI is unavailable: its answer had malformed data', {
      status: response.statusCode,
      reason: 'malformed data',
      cause: data.error,
    });
  }
  return data.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
function parseRetryAfter(header: string | string[] | undefined, now: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** KeyAPI behind the guard: every endpoint's calls pass the same stages. */
export interface KeyApi {
  call<P, T>(
    endpoint: KeyApiEndpoint<P, T>,
    params: P,
    options: { scope: string; requestId?: string; hooks?: AttemptHooks },
  ): Promise<T>;
}

export function guardedKeyApi(client: KeyApiClient, guard: Guard): KeyApi {
  return {
    call: (endpoint, params, { scope, requestId, hooks }) =>
      guard.run(scope, () => client.call(endpoint, params, requestId), hooks),
  };
}
