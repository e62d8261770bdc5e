import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Apollo's automatic persisted queries (APQ): a client first sends only the SHA-256 of its
 * document in `extensions.persistedQuery`; on PERSISTED_QUERY_NOT_FOUND it sends document and
 * hash once, and the gateway remembers the pair. Saves upload bytes, not security: any valid
 * document can still be registered.
 *
 * Written here rather than taken from `@graphql-yoga/plugin-apq`, whose only release on npm
 * declares a peer on `@graphql-tools/utils@^10` that conflicts with the rest of the tree.
 */
export interface AutomaticPersistedQueriesOptions {
  /** Documents remembered at once; the least recently registered or used go first. */
  maxDocuments?: number;
  /** Longer documents still run but are not remembered, so registrations cannot fill memory. */
  maxDocumentLength?: number;
}

interface PersistedQueryExtension {
  version: 1;
  sha256Hash: string;
}

function persistedQueryOf(extensions: Record<string, unknown> | undefined): PersistedQueryExtension | null {
  const candidate = extensions?.persistedQuery as Partial<PersistedQueryExtension> | undefined;
  return candidate?.version === 1 && typeof candidate.sha256Hash === 'string'
    ? { version: 1, sha256Hash: candidate.sha256Hash }
    : null;
}

export function useAutomaticPersistedQueries({
  maxDocuments = 1_000,
  maxDocumentLength = 64 * 1024,
}: AutomaticPersistedQueriesOptions = {}): Plugin {
  // A Map iterates in insertion order: re-inserting on use keeps the first key the stalest.
  const documents = new Map<string, string>();
  const remember = (hash: string, query: string) => {
    documents.delete(hash);
    documents.set(hash, query);
    for (const stalest of documents.keys()) {
      if (documents.size <= maxDocuments) break;
      documents.delete(stalest);
    }
  };

  return {
    onParams({ params, setParams }) {
      const persisted = persistedQueryOf(params.extensions);
      if (!persisted) return;
      const hash = persisted.sha256Hash.toLowerCase();
      if (params.query == null) {
        const query = documents.get(hash);
        if (query === undefined) {
          // The message is part of the protocol: older clients match on it rather than the code.
          throw new GraphQLError('PersistedQueryNotFound', {
            extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 404 } },
          });
        }
        remember(hash, query);
        setParams({ ...params, query });
        return;
      }
      if (createHash('sha256').update(params.query).digest('hex') !== hash) {
        throw new GraphQLError('PersistedQueryMismatch: sha256Hash is not the hash of the query', {
          extensions: { code: 'PERSISTED_QUERY_MISMATCH', http: { status: 400 } },
        });
      }
      if (params.query.length <= maxDocumentLength) remember(hash, params.query);
    },
  };
}
