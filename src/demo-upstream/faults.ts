import type { IncomingMessage, ServerResponse } from 'node:http';

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

export function sendJson(
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

export const errorBody = (code: number, message: string) => ({ code, data: null, message });

export const header = (request: IncomingMessage, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Answers as the fault says, instead of the normal answer. */
export function misbehave(
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
