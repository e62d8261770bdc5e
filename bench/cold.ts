/**
 * `npm run bench:cold -- [upstreamLatencyMs] [requests]`: the cold-path benchmark alone, for
 * iterating on the miss path without the rest of `npm run bench`.
 */
import { coldPath } from './cold-path.js';

const latencyMs = Number(process.argv[2] ?? 0);
const count = Number(process.argv[3] ?? 500);
const result = await coldPath(latencyMs, count);
for (const [name, r] of Object.entries(result.servers)) {
  console.log(
    `${name}: added p50 ${r.addedMs.p50} ms, p99 ${r.addedMs.p99} ms (stand-in p50 ${r.standIn.p50}, server p50 ${r.server.p50}) at ${latencyMs} ms upstream, ${count} requests`,
  );
}
