/**
 * Stable codes for everything that can go wrong talking to KeyAPI. Callers match on `code`,
 * never on message text; the schema layer maps each code to `extensions.code` in one place.
 */
export type UpstreamErrorCode =
  | 'UPSTREAM_BAD_REQUEST'
  | 'UPSTREAM_UNAUTHORIZED'
  | 'UPSTREAM_QUOTA_EXCEEDED'
  | 'UPSTREAM_FORBIDDEN'
  | 'UPSTREAM_RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_ERROR';

export interface UpstreamErrorDetails {
  /** HTTP status of the upstream answer, when there was one. */
  status?: number;
  /** The envelope's `code`, when the body could be read: for logs, never for clients. */
  upstreamCode?: number;
  /** The envelope's `message`: provider text, so it goes to logs only, never to clients. */
  upstreamMessage?: string;
  /** Why the attempt failed, for logs: `ECONNREFUSED`, `connect timeout`, `status 503`, … */
  reason?: string;
  /** False when the request never reached KeyAPI (refused connection, DNS, connect timeout): nothing was paid. */
  sent?: boolean;
  /** Seconds the provider asked us to wait (`Retry-After`, on a 429 or a 5xx). */
  retryAfterSeconds?: number;
  /** A transient failure (5xx, timeout, reset) that another attempt may cure. */
  retryable?: boolean;
  cause?: unknown;
}

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly code: UpstreamErrorCode;
  readonly status: number | undefined;
  readonly upstreamCode: number | undefined;
  readonly upstreamMessage: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly retryable: boolean;
  readonly reason: string | undefined;
  readonly sent: boolean;

  constructor(code: UpstreamErrorCode, message: string, details: UpstreamErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.upstreamCode = details.upstreamCode;
    this.upstreamMessage = details.upstreamMessage;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.retryable = details.retryable ?? false;
    this.reason = details.reason;
    this.sent = details.sent ?? true;
  }
}

/** What a client is told for each code: the gateway's own words, never the provider's. */
export const friendlyMessage: Record<UpstreamErrorCode, string> = {
  UPSTREAM_BAD_REQUEST: 'KeyAPI rejected the request as invalid',
  UPSTREAM_UNAUTHORIZED: "KeyAPI rejected the gateway's API key",
  UPSTREAM_QUOTA_EXCEEDED: 'KeyAPI credits are exhausted',
  UPSTREAM_FORBIDDEN: "The gateway's API key may not call this KeyAPI endpoint",
  UPSTREAM_RATE_LIMITED: 'KeyAPI rate limit reached; try again shortly',
  UPSTREAM_UNAVAILABLE: 'KeyAPI is unavailable',
  UPSTREAM_ERROR: 'KeyAPI answered with an error',
};

const codeByStatus: Record<number, UpstreamErrorCode> = {
  400: 'UPSTREAM_BAD_REQUEST',
  401: 'UPSTREAM_UNAUTHORIZED',
  402: 'UPSTREAM_QUOTA_EXCEEDED',
  403: 'UPSTREAM_FORBIDDEN',
  408: 'UPSTREAM_UNAVAILABLE',
  429: 'UPSTREAM_RATE_LIMITED',
};

/**
 * The error code for a non-2xx answer. 5xx is a transient outage; a 4xx the provider does not
 * document (404 from a wrong base URL, say) is a definite answer, not an outage, so it is not
 * reported as one.
 */
export function codeForStatus(status: number): UpstreamErrorCode {
  if (status >= 500) return 'UPSTREAM_UNAVAILABLE';
  return codeByStatus[status] ?? 'UPSTREAM_ERROR';
}

/**
 * 408 and 5xx are worth another attempt; every other status is a definite answer. A 429 is not
 * retried by the request that met it: it starts the fleet's cool-down instead.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status >= 500;
}
