/**
 * `npm run build && tsx bench/graphiql-memory.ts`: resident memory of a server before and after
 * a browser's worth of GraphiQL fetches (the page and every file it loads, plain, gzip and Brotli),
 * for the in-memory page of commit de3fe6c and for the files streamed from disk. Each runs on
 * plain yoga, then the streaming one in the whole gateway as `npm run start:prod` runs it.
 * Printed as a table and written to bench/results/graphiql-memory.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import ts from 'typescript';
import {
  GRAPHIQL_ASSETS,
  graphiqlAssetLocation,
  prepareGraphiQLAssets,
} from '../src/server/graphiql/asset-files.js';
import { drain } from '../test/helpers/drain.js';
import { type ChildServer, PRODUCTION_NODE_FLAGS, startChildServer } from './lib/child-server.js';

const IN_MEMORY_COMMIT = 'de3fe6c';
const ROUNDS = 3;
const ENCODINGS = ['identity', 'gzip', 'br'];

/** The in-memory implementation as it was, compiled to JavaScript beside the results. */
function inMemoryModule(): string {
  const source = execFileSync('git', ['show', `${IN_MEMORY_COMMIT}:src/server/offline-graphiql.ts`], {
    encoding: 'utf8',
  });
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const file = 'bench/results/in-memory-graphiql.mjs';
  writeFileSync(file, outputText);
  return file;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** The page, then what it loads: nothing for the in-memory page, which inlines everything. */
async function pathsOf(server: ChildServer): Promise<string[]> {
  const page = await new Promise<string>((resolve, reject) => {
    get(`${server.url}/graphql`, { headers: { accept: 'text/html' } }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        if (text.length < 100_000) text += chunk;
      });
      response.on('end', () => resolve(text)).on('error', reject);
    }).on('error', reject);
  });
  const { version } = graphiqlAssetLocation();
  const streamed = page.includes(`/graphiql/${version}/`);
  return [
    '/graphql',
    ...(streamed ? GRAPHIQL_ASSETS.map((asset) => `/graphiql/${version}/${asset.file}`) : []),
  ];
}

async function measure(name: string, server: ChildServer) {
  try {
    const idleMb = rssMb(server.pid);
    const paths = await pathsOf(server);
    const afterRounds: number[] = [];
    let bytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const encoding of ENCODINGS) {
        for (const path of paths) bytes += await drain(`${server.url}${path}`, encoding);
      }
      afterRounds.push(rssMb(server.pid));
    }
    return {
      name,
      idleMb,
      afterRoundsMb: afterRounds,
      peakMb: server.peakRssMb(),
      mbSent: Math.round(bytes / 2 ** 20),
    };
  } finally {
    await server.stop();
  }
}

await prepareGraphiQLAssets(graphiqlAssetLocation().directory);
const results = [
  await measure(
    `plain yoga, in-memory page (${IN_MEMORY_COMMIT})`,
    await startChildServer(
      'bench/servers/graphiql-yoga.mjs',
      { GRAPHIQL_MODULE: inMemoryModule() },
      PRODUCTION_NODE_FLAGS,
    ),
  ),
  await measure(
    'plain yoga, files streamed from disk',
    await startChildServer(
      'bench/servers/graphiql-yoga.mjs',
      { GRAPHIQL_MODULE: 'dist/server/graphiql/offline-graphiql.js' },
      PRODUCTION_NODE_FLAGS,
    ),
  ),
  await measure(
    'gateway (start:prod), files streamed from disk',
    await startChildServer(
      'bench/servers/gateway.mjs',
      { GATEWAY_ENV_GRAPHIQL_ENABLED: 'true' },
      PRODUCTION_NODE_FLAGS,
    ),
  ),
];

console.log(`\nGraphiQL memory: page and files plain, gzip and Brotli, ${ROUNDS} rounds; RSS in MB\n`);
console.log('| server | idle | after each round | peak | MB sent |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const r of results) {
  console.log(`| ${r.name} | ${r.idleMb} | ${r.afterRoundsMb.join(' / ')} | ${r.peakMb} | ${r.mbSent} |`);
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/graphiql-memory.json', `${JSON.stringify(results, null, 2)}\n`);
