// The stand-in for KeyAPI in a process of its own, so every server of a run calls the same one
// and a server's CPU profile holds only its own work. No jitter: each answer takes
// UPSTREAM_LATENCY_MS.
import { startDemoUpstream } from '../../dist/demo-upstream/demo-upstream.js';

const upstream = await startDemoUpstream({
  apiKey: 'bench-key',
  latencyMs: Number(process.env.UPSTREAM_LATENCY_MS ?? 0),
  jitter: 0,
});
const { port } = new URL(upstream.url);
console.log(JSON.stringify({ port: Number(port), upstream: upstream.url }));
