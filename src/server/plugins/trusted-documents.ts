import { readFileSync } from 'node:fs';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { Kind, parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { z } from 'zod';

/**
 * Trusted documents: the gateway runs only the operations of a manifest (hash → document), as
 * `npm run codegen` writes it for the dashboard's operations (`operations/gql/persisted-documents.json`).
 * Clients send the hash in `extensions.persistedQuery.sha256Hash`, as in APQ; anything else is
 * refused before parsing, so nobody can spend credits on a query the dashboard does not send.
 */
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

/** The operation names of a manifest: in trusted mode, the only names metrics may be labelled with. */
export function operationNamesOf(documents: TrustedDocuments): string[] {
  return [...documents.values()].flatMap((document) =>
    parse(document).definitions.flatMap((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION && definition.name ? [definition.name.value] : [],
    ),
  );
}

export function useTrustedDocuments(documents: TrustedDocuments): Plugin {
  return usePersistedOperations({
    getPersistedOperation: (hash) => documents.get(hash) ?? null,
    allowArbitraryOperations: false,
    // Apollo's safelisting codes, so clients built for it understand the refusals.
    customErrors: {
      notFound: {
        message:
          'PersistedQueryNotFound: this gateway runs only its trusted documents, and this hash is not one',
        extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST', http: { status: 400 } },
      },
      persistedQueryOnly: {
        message:
          'This gateway runs only its trusted documents: send extensions.persistedQuery.sha256Hash instead of a query',
        extensions: { code: 'QUERY_NOT_IN_SAFELIST', http: { status: 400 } },
      },
      keyNotFound: {
        message: 'Send extensions.persistedQuery.sha256Hash of a trusted document',
        extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 400 } },
      },
    },
  });
}
