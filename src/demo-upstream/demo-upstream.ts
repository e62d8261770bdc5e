import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALL_REGIONS } from '../domain/region.js';
import { DEFAULT_TIME_SCOPE, newestAvailableMonth } from '../domain/time-scope.js';
import { insightDetail } from '../upstream/endpoints/insight-detail.js';
import { CATALOG } from './catalog.js';
import { errorBody, type Fault, header, misbehave, sendJson } from './faults.js';
import { syntheticInsight } from './synthetic-insight.js';

export interface UpstreamCall {
  /** When the request arrived (ms since the epoch, real time). */
  at: number;
  id: string;
  region: string;
  timeScope: string;
  authorization: string | undefined;
  /** The gateway's `x-request-id`, when it sent one. */
  requestId: string | undefined;
  /** The W3C `traceparent` the gateway sent, when tracing is on. */
  traceparent: string | undefined;
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

/**
 * A stand-in for KeyAPI's insight endpoint over real HTTP: the same envelope, the same error
 * statuses, deterministic synthetic data, and faults on demand. Demo mode and the tests both use it.
 */
export async function startDemoUpstream(options: DemoUpstreamOptions = {}): Promise<DemoUpstream> {
  const clock = options.clock ?? (() => new Date());
  const latencyMs = options.latencyMs ?? 0;
  const faults = new FaultBook();
  const calls: UpstreamCall[] = [];
  const callsKept = options.callsKept ?? 10_000;
  let inFlight = 0;
  let maxInFlight = 0;

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    if (url.pathname !== `/${insightDetail.path}`)
      return sendJson(response, 404, errorBody(404, 'Not found'));
    if (request.method !== 'GET') return sendJson(response, 405, errorBody(405, 'Method not allowed'));

    const call = callOf(request, url);
    calls.push(call);
    // Demo mode runs for days: keep the recent calls, not every call ever made.
    if (calls.length >= 2 * callsKept) calls.splice(0, callsKept);

    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    response.on('close', () => {
      inFlight -= 1;
    });

    const fault = faults.take(call.id);
    const wait =
      latencyMs * (1 + Math.random() * (options.jitter ?? 0.2)) + (fault?.kind === 'delay' ? fault.ms : 0);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (fault && fault.kind !== 'delay') return misbehave(fault, request, response);
    answer(response, call, options.apiKey, clock());
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  const url = await listenOn(server, options.host ?? '127.0.0.1', options.port ?? 0);

  return {
    url,
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
    setFault: (target, fault, times) => faults.set(target, fault, times),
    reset() {
      calls.length = 0;
      faults.clear();
      maxInFlight = inFlight;
    },
    async close() {
      // Hanging requests would hold `close` open forever.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A request as the stand-in records it, with KeyAPI's defaults for absent parameters. */
function callOf(request: IncomingMessage, url: URL): UpstreamCall {
  return {
    at: Date.now(),
    id: url.searchParams.get('id') ?? '601583',
    region: url.searchParams.get('region') ?? ALL_REGIONS,
    timeScope: url.searchParams.get('time_scope') ?? DEFAULT_TIME_SCOPE,
    authorization: request.headers.authorization,
    requestId: header(request, 'x-request-id'),
    traceparent: header(request, 'traceparent'),
  };
}

async function listenOn(server: Server, host: string, port: number): Promise<string> {
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  return `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
}

/** The faults set for each category (or '*'), each for a number of requests. */
class FaultBook {
  private readonly faults = new Map<string, { fault: Fault; remaining: number }>();

  set(target: string, fault: Fault | null, times = Number.POSITIVE_INFINITY): void {
    if (fault) this.faults.set(target, { fault, remaining: times });
    else this.faults.delete(target);
  }

  take(id: string): Fault | undefined {
    const target = this.faults.has(id) ? id : '*';
    const entry = this.faults.get(target);
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.faults.delete(target);
    return entry.fault;
  }

  clear(): void {
    this.faults.clear();
  }
}

/** What KeyAPI answers a well-behaved request: 401 without the key, 400 for a bad parameter, else the insight. */
function answer(
  response: ServerResponse,
  call: Pick<UpstreamCall, 'authorization' | 'id' | 'region' | 'timeScope'>,
  apiKey: string | undefined,
  now: Date,
) {
  const token = /^Bearer (.+)$/.exec(call.authorization ?? '')?.[1];
  if (!token) return sendJson(response, 401, errorBody(401, 'apiKey is null'));
  if (apiKey !== undefined && token !== apiKey)
    return sendJson(response, 401, errorBody(401, 'apiKey is invalid'));
  const invalid = invalidParameter(call.id, call.region, call.timeScope, now);
  if (invalid) return sendJson(response, 400, errorBody(400, invalid));
  const category = CATALOG.get(call.id);
  if (category?.level !== 3) {
    return sendJson(
      response,
      400,
      errorBody(400, `Invalid parameter: id ${call.id} is not a third-level category`),
    );
  }
  sendJson(response, 200, {
    code: 0,
    message: 'success',
    data: { info: syntheticInsight(category, call.region, call.timeScope, now) },
    requestId: crypto.randomUUID(),
  });
}

function invalidParameter(id: string, region: string, timeScope: string, now: Date): string | undefined {
  if (!/^\d+$/.test(id)) return 'Invalid parameter: id';
  if (region !== ALL_REGIONS && !/^[A-Z]{2}$/.test(region)) return 'Invalid parameter: region';
  if (['1', '7', '30'].includes(timeScope)) return undefined;
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(timeScope) || timeScope > newestAvailableMonth(now)) {
    return 'Invalid parameter: time_scope';
  }
  return undefined;
}
