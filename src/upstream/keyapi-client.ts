import { Pool, errors as undiciErrors } from 'undici';
import { envelopeSchema, type InsightInfo, successDataSchema } from './envelope.js';
import { codeForStatus, isRetryableStatus, UpstreamError } from './upstream-error.js';

export const INSIGHT_DETAIL_PATH = 'v1/tiktok/insights/product/detail';

export interface InsightClientOptions {
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

/** One upstream question: the three query parameters, already normalized. */
export interface InsightRequest {
  id: string;
  region: string;
  timeScope: string;
  /** The gateway request this call serves, sent as `x-request-id` so both sides' logs line up. */
  requestId?: string;
}

export interface InsightClient {
  fetchInsight(request: InsightRequest): Promise<InsightInfo>;
  close(): Promise<void>;
}

const friendlyMessage: Record<UpstreamError['code'], string> = {
  UPSTREAM_BAD_REQUEST: 'KeyAPI rejected the request as invalid',
  UPSTREAM_UNAUTHORIZED: "KeyAPI rejected the gateway's API key",
  UPSTREAM_QUOTA_EXCEEDED: 'KeyAPI credits are exhausted',
  UPSTREAM_FORBIDDEN: "The gateway's API key may not call this KeyAPI endpoint",
  UPSTREAM_RATE_LIMITED: 'KeyAPI rate limit reached; try again shortly',
  UPSTREAM_UNAVAILABLE: 'KeyAPI is unavailable',
  UPSTREAM_ERROR: 'KeyAPI answered with an error',
};

export function createInsightClient(options: InsightClientOptions): InsightClient {
  const endpoint = new URL(
    INSIGHT_DETAIL_PATH,
    options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`,
  );
  const pool = new Pool(endpoint.origin, {
    connections: options.connections,
    connectTimeout: options.connectTimeoutMs,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
  });
  const authorization = `Bearer ${options.apiKey}`;

  async function fetchInsight(request: InsightRequest): Promise<InsightInfo> {
    // A plain timer rather than AbortSignal.timeout(): the same deadline, without a DOMException
    // built for every call (it showed in the cold-path profile).
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new RequestDeadlineError()), options.requestTimeoutMs);
    try {
      return await exchange(request, deadline.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  async function exchange(request: InsightRequest, signal: AbortSignal): Promise<InsightInfo> {
    const query = new URLSearchParams({
      time_scope: request.timeScope,
      region: request.region,
      id: request.id,
    });
    let response: Awaited<ReturnType<typeof pool.request>>;
    try {
      response = await pool.request({
        method: 'GET',
        path: `${endpoint.pathname}?${query}`,
        headers: {
          authorization,
          accept: 'application/json',
          ...(request.requestId ? { 'x-request-id': request.requestId } : {}),
        },
        signal,
      });
    } catch (error) {
      throw transportFailure(error);
    }

    let text: string;
    try {
      text = await readCapped(response.body, options.maxResponseBytes);
    } catch (error) {
      throw error instanceof UpstreamError ? error : transportFailure(error);
    }
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
        retryAfterSeconds: parseRetryAfter(response.headers['retry-after']),
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
    const data = successDataSchema.safeParse(envelope.data.data);
    if (!data.success) {
      throw new UpstreamError(
        'UPSTREAM_UNAVAILABLE',
        'KeyAPI is unavailable: its answer had malformed data',
        { status: response.statusCode, reason: 'malformed data', cause: data.error },
      );
    }
    return data.data.info;
  }

  return {
    fetchInsight,
    close: () => pool.close(),
  };
}

/** The whole exchange took longer than `requestTimeoutMs`. */
class RequestDeadlineError extends Error {
  override readonly name = 'RequestDeadlineError';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }, maxBytes: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw new UpstreamError(
        'UPSTREAM_UNAVAILABLE',
        `KeyAPI is unavailable: its answer exceeded ${maxBytes} bytes`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Failures before the request was written: KeyAPI never saw it, so it cost nothing. */
const UNSENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function transportFailure(error: unknown): UpstreamError {
  const reason = transportReason(error);
  const timedOut = reason.includes('timeout') || reason === 'deadline';
  return new UpstreamError(
    'UPSTREAM_UNAVAILABLE',
    timedOut
      ? 'KeyAPI is unavailable: it did not answer in time'
      : 'KeyAPI is unavailable: the connection failed',
    {
      cause: error,
      retryable: true,
      reason,
      sent: !UNSENT_CODES.has(errorCode(error) ?? '') && !isTlsFailure(error),
    },
  );
}

function transportReason(error: unknown): string {
  if (error instanceof undiciErrors.ConnectTimeoutError) return 'connect timeout';
  if (error instanceof undiciErrors.HeadersTimeoutError) return 'headers timeout';
  if (error instanceof undiciErrors.BodyTimeoutError) return 'body timeout';
  // Only our deadline aborts a request, whichever error undici reports it with.
  if (error instanceof RequestDeadlineError || error instanceof undiciErrors.RequestAbortedError)
    return 'deadline';
  return errorCode(error) ?? (error instanceof Error ? error.name : 'unknown');
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A TLS handshake that failed (a bad certificate, say) ended before the request was written. */
function isTlsFailure(error: unknown): boolean {
  const code = errorCode(error) ?? '';
  return (
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
  );
}

/** `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(
  header: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
