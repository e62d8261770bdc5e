import { readFileSync } from 'node:fs';
import { z } from 'zod';

export type TrustedDocuments = ReadonlyMap<string, string>;

const manifestSchema = z.record(z.string(), z.string());
const SHA256 = /^[0-9a-f]{64}$/;

/** Reads and checks a manifest; the error says what is wrong with the file, for the config report. */
export function readTrustedDocuments(path: string): TrustedDocuments {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read a JSON manifest at ${path}: ${(error as Error).message}`);
  }
  const manifest = manifestSchema.safeParse(json);
  if (!manifest.success) throw new Error(`${path} is not a JSON object of hash → document`);
  const notHash = Object.keys(manifest.data).find((key) => !SHA256.test(key));
  if (notHash !== undefined) throw new Error(`${path}: key ${JSON.stringify(notHash)} is not a SHA-256 hash`);
  if (Object.keys(manifest.data).length === 0) throw new Error(`${path} lists no documents`);
  return new Map(Object.entries(manifest.data));
}
