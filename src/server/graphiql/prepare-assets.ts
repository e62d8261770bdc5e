/**
 * `node prepare-assets.js <directory>`, started by asset-files.ts: writes GraphiQL's files, each
 * with its Brotli and gzip forms, into `<directory>`. The directory appears whole or not at all,
 * so processes that race to write it, or one killed halfway, never leave a partial set behind.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { ENCODED_SUFFIX, GRAPHIQL_ASSETS } from './asset-files.js';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

const [directory] = process.argv.slice(2);
if (!directory) throw new Error('usage: prepare-assets <directory>');

const sources = await import('@graphql-yoga/render-graphiql/graphiql');
const staging = `${directory}.${randomBytes(6).toString('hex')}.tmp`;
await mkdir(staging, { recursive: true });
try {
  await Promise.all(
    GRAPHIQL_ASSETS.map((asset) => write(join(staging, asset.file), bytesOf(sources[asset.source]))),
  );
  await rename(staging, directory).catch(async (error: unknown) => {
    // Another process got there first with the same files.
    await access(directory).catch(() => Promise.reject(error));
  });
} finally {
  await rm(staging, { recursive: true, force: true });
}

/** The favicon is a `data:` URL; every other source is the file's text. */
function bytesOf(source: string): Buffer {
  const dataUrl = /^data:[^;,]+;base64,/.exec(source);
  return dataUrl ? Buffer.from(source.slice(dataUrl[0].length), 'base64') : Buffer.from(source);
}

async function write(file: string, body: Buffer): Promise<void> {
  const [br, gz] = await Promise.all([
    // Quality 11 would make the first visitor wait many seconds for a few percent less.
    brotli(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }),
    gzipped(body, { level: 9 }),
  ]);
  await Promise.all([
    writeFile(file, body),
    writeFile(file + ENCODED_SUFFIX.br, br),
    writeFile(file + ENCODED_SUFFIX.gzip, gz),
  ]);
}
