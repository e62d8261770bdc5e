// Hand-written on node:http: a proxy library would hide the distribution the fleet tests assert on.
import { once } from 'node:events';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RoundRobin {
  /** Base URL clients send to, e.g. `http://127.0.0.1:39617`. */
  url: string;
  /** Requests each backend answered, in the order the backends were given. */
  counts: readonly number[];
  close(): Promise<void>;
}

/** Forwards each request to the next of `backends` (base URLs) in turn: method, path, headers and body as sent. */
export async function startRoundRobin(backends: readonly string[]): Promise<RoundRobin> {
  const counts = backends.map(() => 0);
  // Idle connections close before the gateway's 5 s keep-alive timeout would close them: reusing
  // one the backend is closing resets a request no load balancer would have lost.
  const agent = new Agent({ keepAlive: true, timeout: 4_000 });
  let next = 0;
  const forward = (incoming: IncomingMessage, outgoing: ServerResponse, index: number, triesLeft: number) => {
    const proxied = request(new URL(incoming.url ?? '/', backends[index]), {
      method: incoming.method,
      headers: incoming.headers,
      agent,
    });
    proxied.on('socket', (socket) => whenConnected(socket, () => incoming.pipe(proxied)));
    proxied.on('response', (answer) => {
      counts[index] = (counts[index] ?? 0) + 1;
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    proxied.on('error', (error: NodeJS.ErrnoException) => {
      // A refused connection sent nothing: the backend after it gets the request, as a load
      // balancer's passive health check would route around an instance that died.
      if (error.code === 'ECONNREFUSED' && triesLeft > 1)
        forward(incoming, outgoing, (index + 1) % backends.length, triesLeft - 1);
      else badGateway(outgoing, error, proxied.reusedSocket);
    });
  };
  const server = createServer((incoming, outgoing) => {
    const index = next;
    next = (next + 1) % backends.length;
    forward(incoming, outgoing, index, backends.length);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    async close() {
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The body is read only once a backend accepted the connection, so a refused one can be retried. */
function whenConnected(socket: Socket, then: () => void): void {
  if (socket.connecting) socket.once('connect', then);
  else then();
}

/** A 502 naming the failure, so a test's message says how the backend failed. */
function badGateway(outgoing: ServerResponse, error: NodeJS.ErrnoException, reused: boolean): void {
  if (outgoing.headersSent) {
    outgoing.destroy();
    return;
  }
  const message = `round-robin: ${error.code ?? error.message}${reused ? ' on a reused connection' : ''}`;
  outgoing
    .writeHead(502, { 'content-type': 'application/json' })
    .end(JSON.stringify({ errors: [{ message }] }));
}
