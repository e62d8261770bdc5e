import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { newestAvailableMonth } from '../domain/time-scope.js';
import { insightDetail } from '../upstream/endpoints/insight-detail.js';
import { CATALOG } from './catalog.js';
import { syntheticInsight } from './synthetic-insight.js';

/** A way for the stand-in to misbehave, for one category or for all ('*'). */
export type Fault =
  /** Answer this HTTP status with KeyAPI's error body; `echoAuthorization` puts the header in the message. */
  | { kind: 'status'; status: number; message?: string; retryAfter?: string; echoAuthorization?: boolean }
  /** HTTP 200 with a non-zero envelope `code`. */
  | { kind: 'business-error'; code: number; message: string }
  /** Accept the request and never answer. */
  | { kind: 'hang' }
  /** Drop the connection before any header. */
  | { kind: 'reset' }
  /** Send headers and half a body, then drop the connection. */
  | { kind: 'reset-mid-body' }
  | { kind: 'non-json' }
  /** A success envelope whose `data.info` has fields of the wrong type. */
  | { kind: 'malformed' }
  | { kind: 'oversize'; bytes: number }
  /** Any body, as is, with this status. */
  | { kind: 'raw'; status: number; body: unknown }
  /** Answer normally, after this much more latency. */
  | { kind: 'delay'; ms: number };

export interface UpstreamCall {
  /** When the request arrived (ms since the epoch, real time). */
  at: number;
  id: string;
  region: string;
  timeScope: string;
  authorization: string | undefined;
  /** The gateway's `x-request-id`, when it sent one. */
  requestId: string | undefined;
}

export interface DemoUpstreamOptions {
  host?: string;
  port?: number;
  /** Base latency of every answer. */
  latencyMs?: number;
  /** Up to this fraction of `latencyMs` is added at random to each answer (default 0.2). */
  jitter?: number;
  /** When set, a request must carry exactly this bearer token. */
  apiKey?: string;
  clock?: () => Date;
  /** Recent calls remembered in `calls`: at least this many, at most twice (default 10,000). */
  callsKept?: number;
}

export interface DemoUpstream {
  /** Base URL to give the gateway as KEYAPI_BASE_URL. */
  readonly url: string;
  /** The requests that reached the endpoint, in arrival order: the most recent `callsKept` at least. */
  readonly calls: readonly UpstreamCall[];
  /** The most requests that were ever being answered at once. */
  readonly maxInFlight: number;
  /** Misbehave for `target` (a category ID, or '*' for all) on the next `times` requests, or until cleared. */
  setFault(target: string, fault: Fault | null, times?: number): void;
  /** Forget calls, faults and the in-flight peak. */
  reset(): void;
  close(): Promise<void>;
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  response.end(payload);
}

const errorBody = (code: number, message: string) => ({ code, data: null, message });

const header = (request: IncomingMessage, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * A stand-in for KeyAPI's insight endpoint over real HTTP: the same envelope, the same error
 * statuses, deterministic synthetic data, and faults on demand. Demo mode and the tests both use it.
 */
export async function startDemoUpstream(options: DemoUpstreamOptions = {}): Promise<DemoUpstream> {
  const clock = options.clock ?? (() => new Date());
  const latencyMs = options.latencyMs ?? 0;
  const faults = new Map<string, { fault: Fault; remaining: number }>();
  const calls: UpstreamCall[] = [];
  const callsKept = options.callsKept ?? 10_000;
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;

  function takeFault(id: string): Fault | undefined {
    const entry = faults.get(id) ?? faults.get('*');
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) faults.delete(faults.get(id) ? id : '*');
    return entry.fault;
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    if (url.pathname !== `/${insightDetail.path}`)
      return sendJson(response, 404, errorBody(404, 'Not found'));
    if (request.method !== 'GET') return sendJson(response, 405, errorBody(405, 'Method not allowed'));

    const authorization = request.headers.authorization;
    const id = url.searchParams.get('id') ?? '601583';
    const region = url.searchParams.get('region') ?? 'all_regions';
    const timeScope = url.searchParams.get('time_scope') ?? '1';
    calls.push({
      at: Date.now(),
      id,
      region,
      timeScope,
      authorization,
      requestId: header(request, 'x-request-id'),
    });
    // Demo mode runs for days: keep the recent calls, not every call ever made.
    if (calls.length >= 2 * callsKept) calls.splice(0, callsKept);

    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    response.on('close', () => {
      inFlight -= 1;
    });

    const fault = takeFault(id);
    const wait =
      latencyMs * (1 + Math.random() * (options.jitter ?? 0.2)) + (fault?.kind === 'delay' ? fault.ms : 0);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (fault && fault.kind !== 'delay') return misbehave(fault, request, response);

    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!token) return sendJson(response, 401, errorBody(401, 'apiKey is null'));
    if (options.apiKey !== undefined && token !== options.apiKey) {
      return sendJson(response, 401, errorBody(401, 'apiKey is invalid'));
    }
    const invalid = invalidParameter(id, region, timeScope, clock());
    if (invalid) return sendJson(response, 400, errorBody(400, invalid));

    const category = CATALOG.get(id);
    if (category?.level !== 3)
      return sendJson(
        response,
        400,
        errorBody(400, `Invalid parameter: id ${id} is not a third-level category`),
      );
    sendJson(response, 200, {
      code: 0,
      message: 'success',
      data: { info: syntheticInsight(category, region, timeScope, clock()) },
      requestId: crypto.randomUUID(),
    });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}`,
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
    setFault(target, fault, times = Number.POSITIVE_INFINITY) {
      if (fault) faults.set(target, { fault, remaining: times });
      else faults.delete(target);
    },
    reset() {
      calls.length = 0;
      faults.clear();
      maxInFlight = inFlight;
    },
    async close() {
      // Hanging requests would hold `close` open forever.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function invalidParameter(id: string, region: string, timeScope: string, now: Date): string | undefined {
  if (!/^\d+$/.test(id)) return 'Invalid parameter: id';
  if (region !== 'all_regions' && !/^[A-Z]{2}$/.test(region)) return 'Invalid parameter: region';
  if (['1', '7', '30'].includes(timeScope)) return undefined;
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(timeScope) || timeScope > newestAvailableMonth(now)) {
    return 'Invalid parameter: time_scope';
  }
  return undefined;
}

function misbehave(
  fault: Exclude<Fault, { kind: 'delay' }>,
  request: IncomingMessage,
  response: ServerResponse,
) {
  switch (fault.kind) {
    case 'status': {
      const message = fault.echoAuthorization
        ? `${fault.message ?? 'error'} (received ${request.headers.authorization ?? 'no authorization'})`
        : (fault.message ?? 'error');
      return sendJson(
        response,
        fault.status,
        errorBody(fault.status, message),
        fault.retryAfter ? { 'retry-after': fault.retryAfter } : {},
      );
    }
    case 'business-error':
      return sendJson(response, 200, errorBody(fault.code, fault.message));
    case 'hang':
      return;
    case 'reset':
      return request.socket.destroy();
    case 'reset-mid-body': {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': 10_000 });
      response.write('{"code":0,"message":"success","data":{"info":{"posts":[');
      setTimeout(() => request.socket.destroy(), 20);
      return;
    }
    case 'non-json':
      response.writeHead(200, { 'content-type': 'text/html' });
      return response.end('<html><body>502 Bad Gateway</body></html>');
    case 'malformed':
      return sendJson(response, 200, {
        code: 0,
        message: 'success',
        data: { info: { audience_ages: 'many', posts: 42 } },
      });
    case 'oversize':
      return sendJson(response, 200, {
        code: 0,
        message: 'success',
        data: { info: { padding: 'x'.repeat(fault.bytes) } },
      });
    case 'raw':
      return sendJson(response, fault.status, fault.body);
  }
}
