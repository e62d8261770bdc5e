import { errors as undiciErrors } from 'undici';
import { UpstreamError } from './upstream-error.js';

/** The whole exchange took longer than `requestTimeoutMs`. */
export class RequestDeadlineError extends Error {
  override readonly name = 'RequestDeadlineError';
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

/** A failure of the exchange itself, with why for the logs and whether KeyAPI ever saw it. */
export function transportFailure(error: unknown): UpstreamError {
  if (error instanceof undiciErrors.ResponseExceededMaxSizeError) {
    return new UpstreamError('UPSTREAM_UNAVAILABLE', 'KeyAPI is unavailable: its answer was too large', {
      cause: error,
      reason: 'over the size cap',
    });
  }
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
  if (error instanceof RequestDeadlineError || error instanceof undiciErrors.RequestAbortedError) {
    return 'deadline';
  }
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
