/**
 * `npm run bench:tracing -- [seconds] [rounds]`: the warm path with tracing off, and on with every
 * span exported over OTLP/HTTP to a local receiver, beside plain yoga, in rounds that rotate the
 * order, in one run. Prints each server's median throughput and the ratios.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ChildServer, PRODUCTION_NODE_FLAGS, startChildServer } from './lib/child-server.js';
import { DASHBOARD_BODY } from './lib/dashboard-query.js';
import { load } from './lib/load.js';

const SECONDS = Number(process.argv[2] ?? 5);
const ROUNDS = Number(process.argv[3] ?? 3);
const CONNECTIONS = 10;

/** An OTLP/HTTP receiver that accepts every batch and counts them. */
async function startReceiver() {
  let batches = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      batches += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    batches: () => batches,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const receiver = await startReceiver();
const servers: Array<[string, ChildServer]> = [
  ['plain graphql-yoga', await startChildServer('bench/servers/plain-yoga.mjs')],
  ['gateway, tracing off', await startChildServer('bench/servers/gateway.mjs', {}, PRODUCTION_NODE_FLAGS)],
  [
    'gateway, tracing on',
    await startChildServer(
      'bench/servers/gateway.mjs',
      { GATEWAY_ENV_OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      PRODUCTION_NODE_FLAGS,
    ),
  ],
];
const throughput = new Map<string, number[]>(servers.map(([name]) => [name, []]));
try {
  for (const [, server] of servers) await load(`${server.url}/graphql`, DASHBOARD_BODY, 2, CONNECTIONS);
  for (let round = 0; round < ROUNDS; round++) {
    const order = servers.map(
      (_, index) => servers[(index + round) % servers.length] as [string, ChildServer],
    );
    for (const [name, server] of order) {
      const result = await load(`${server.url}/graphql`, DASHBOARD_BODY, SECONDS, CONNECTIONS);
      throughput.get(name)?.push(result.requestsPerSecond);
    }
  }
} finally {
  await Promise.all(servers.map(([, server]) => server.stop()));
  await receiver.close();
}

const rps = (name: string) => median(throughput.get(name) ?? []);
console.log(`Warm path, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s, median req/s:`);
for (const [name] of servers)
  console.log(`  ${name.padEnd(22)} ${rps(name)}  (${throughput.get(name)?.join(', ')})`);
console.log(
  `  tracing off ÷ plain yoga: ${(rps('gateway, tracing off') / rps('plain graphql-yoga')).toFixed(2)}×`,
);
console.log(
  `  tracing on ÷ tracing off: ${(rps('gateway, tracing on') / rps('gateway, tracing off')).toFixed(2)}×`,
);
console.log(`  OTLP batches received: ${receiver.batches()}`);
