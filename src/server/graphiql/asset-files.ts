// Hand-written: render-graphiql ships GraphiQL only as strings in one 9 MB module, never as files.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type * as Sources from '@graphql-yoga/render-graphiql/graphiql';

const JS = 'text/javascript; charset=utf-8';

export interface GraphiQLAsset {
  file: string;
  /** The export of `@graphql-yoga/render-graphiql/graphiql` that holds the file as a string. */
  source: keyof typeof Sources;
  contentType: string;
  /** The label Monaco asks `getWorkerUrl` for, when the file is a web worker. */
  worker?: string;
}

/** The only files ever served: a request names one of these or gets a 404. */
export const GRAPHIQL_ASSETS: readonly GraphiQLAsset[] = [
  { file: 'graphiql.js', source: 'js', contentType: JS },
  { file: 'graphiql.css', source: 'css', contentType: 'text/css; charset=utf-8' },
  { file: 'favicon.ico', source: 'favicon', contentType: 'image/x-icon' },
  { file: 'editor.worker.js', source: 'editorWorkerService', contentType: JS, worker: 'editorWorkerService' },
  { file: 'json.worker.js', source: 'jsonWorker', contentType: JS, worker: 'json' },
  { file: 'graphql.worker.js', source: 'graphqlWorker', contentType: JS, worker: 'graphql' },
];

/** The suffix of each pre-compressed variant beside a file. */
export const ENCODED_SUFFIX = { br: '.br', gzip: '.gz' } as const;
export type Encoding = keyof typeof ENCODED_SUFFIX;

export interface AssetLocation {
  /** render-graphiql's version: part of every asset URL, so a URL's content never changes. */
  version: string;
  directory: string;
}

const require = createRequire(import.meta.url);

/**
 * The cache sits in `node_modules/.cache` beside the package it is cut from: it lasts across
 * restarts, goes with a reinstall, is never committed, and an image build can fill it ahead.
 */
export function graphiqlAssetLocation(): AssetLocation {
  const manifest = require.resolve('@graphql-yoga/render-graphiql/package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const nodeModules = resolve(dirname(manifest), '../..');
  return { version, directory: join(nodeModules, '.cache', 'graphiql-assets', version) };
}

const run = promisify(execFile);
const PREPARE_SCRIPT = fileURLToPath(new URL(`./prepare-assets${extname(import.meta.url)}`, import.meta.url));
const preparing = new Map<string, Promise<string>>();

/**
 * Resolves to `directory` once it holds every asset, writing them first if it does not. A failure
 * is kept, not retried: a retry per request would start a process per request.
 */
export function prepareGraphiQLAssets(directory: string): Promise<string> {
  let ready = preparing.get(directory);
  if (!ready) {
    ready = access(directory)
      .catch(() => writeInChildProcess(directory))
      .then(() => directory);
    preparing.set(directory, ready);
  }
  return ready;
}

/** A process of its own loads the 9 MB module and compresses it, so this one never holds it. */
async function writeInChildProcess(directory: string): Promise<void> {
  // Node 20 runs the TypeScript source (under tsx or vitest) only through tsx's loader.
  const loader = PREPARE_SCRIPT.endsWith('.ts')
    ? ['--import', pathToFileURL(require.resolve('tsx')).href]
    : [];
  await run(process.execPath, [...loader, PREPARE_SCRIPT, directory], { timeout: 120_000 });
}
