/**
 * `npm run bench:cold -- [latencyMs] [requests]`: the miss path alone (the gateway, its peers
 * and baselines, and the floor), for iterating on it without the rest of `npm run bench`.
 * Defaults: 20 ms upstream, 300 requests each. Writes bench/results/cold.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { coldPath, printColdPath } from './cold-path.js';

const latencyMs = Number(process.argv[2] ?? 20);
const count = Number(process.argv[3] ?? 300);
const result = await coldPath(latencyMs, count);
printColdPath(result);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/cold.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
