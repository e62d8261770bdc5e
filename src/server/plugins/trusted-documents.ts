import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { Kind, parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { TrustedDocuments } from '../../config/trusted-documents-file.js';

/** The operation names of a manifest: in trusted mode, the only names metrics may be labelled with. */
export function operationNamesOf(documents: TrustedDocuments): string[] {
  return [...documents.values()].flatMap((document) =>
    parse(document).definitions.flatMap((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION && definition.name ? [definition.name.value] : [],
    ),
  );
}

/**
 * Trusted documents: the gateway runs only the operations of a manifest (hash → document), as
 * `npm run codegen` writes it for the dashboard's operations (`operations/gql/persisted-documents.json`).
 * Clients send the hash in `extensions.persistedQuery.sha256Hash`, as in APQ; anything else is
 * refused before parsing, so nobody can spend credits on a query the dashboard does not send.
 */
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
