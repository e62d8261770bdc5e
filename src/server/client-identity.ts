import type { IncomingMessage } from 'node:http';

/** The Node request, when yoga runs behind `node:http`; absent for in-process `fetch` calls. */
export interface ServerContext {
  req?: IncomingMessage;
}

export interface ClientIdentityOptions {
  /** Token → client name; empty when the gateway takes no tokens. */
  tokens: ReadonlyMap<string, string>;
  trustProxy: boolean;
}

export function bearerToken(request: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
}

/**
 * Who pays for an operation: the gateway token's client name when tokens are configured,
 * otherwise the caller's address (the first X-Forwarded-For hop behind a trusted proxy).
 */
export function identifyClient(
  request: Request,
  server: ServerContext,
  options: ClientIdentityOptions,
): string {
  const token = bearerToken(request);
  const name = token === undefined ? undefined : options.tokens.get(token);
  if (name !== undefined) return name;
  if (options.trustProxy) {
    const forwarded = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  return server.req?.socket.remoteAddress ?? 'local';
}
