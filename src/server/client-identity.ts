import type { IncomingMessage } from 'node:http';

/** The Node request, when yoga runs behind `node:http`; absent for in-process `fetch` calls. */
export interface ServerContext {
  req?: IncomingMessage;
}

export interface ClientIdentityOptions {
  /** Token → client name; empty when the gateway takes no tokens. */
  tokens: ReadonlyMap<string, string>;
  /** Proxies in front of the gateway; each appends the address it received from to X-Forwarded-For. */
  trustProxy: number;
}

export function bearerToken(request: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
}

/**
 * Who pays for an operation: the gateway token's client name when tokens are configured,
 * otherwise the caller's address. Behind `trustProxy` proxies that address is the entry the
 * farthest trusted proxy appended: the entries before it are the client's own writing, so
 * trusting the first (as a boolean setting would) lets anyone pick the budget they spend.
 */
export function identifyClient(
  request: Request,
  server: ServerContext,
  options: ClientIdentityOptions,
): string {
  const token = bearerToken(request);
  const name = token === undefined ? undefined : options.tokens.get(token);
  if (name !== undefined) return name;
  const peer = server.req?.socket.remoteAddress ?? 'local';
  if (options.trustProxy === 0) return peer;
  const hops = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  // Fewer entries than proxies: the request skipped one, so the nearest known address is all we have.
  return hops.at(-options.trustProxy) ?? hops[0] ?? peer;
}
