import { createHash } from 'node:crypto';
import { type DocumentNode, GraphQLError, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';

/**
 * Apollo's automatic persisted queries (APQ): a client first sends only the SHA-256 of its
 * document in `extensions.persistedQuery`; on PERSISTED_QUERY_NOT_FOUND it sends document and
 * hash once, and the gateway remembers the pair once yoga has parsed the document, so text that
 * is not GraphQL is never kept. Saves upload bytes, not security: any document that parses can
 * still be registered, within a bound on count and bytes.
 *
 * Written here rather than taken from `@graphql-yoga/plugin-apq`, whose only release on npm
 * declares a peer on `@graphql-tools/utils@^10` that conflicts with the rest of the tree.
 */
export interface AutomaticPersistedQueriesOptions {
  /** Documents remembered at once; the least recently registered or used go first. */
  maxDocuments?: number;
  /** UTF-8 bytes of all remembered documents and hashes; the least recently used go first. */
  maxBytes?: number;
  /** Longer documents still run but are never remembered, so one registration cannot fill memory. */
  maxDocumentBytes?: number;
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

const isDocument = (result: unknown): result is DocumentNode =>
  (result as DocumentNode | null)?.kind === Kind.DOCUMENT;

export function useAutomaticPersistedQueries({
  maxDocuments = 1_000,
  maxBytes = 2 * 1024 * 1024,
  maxDocumentBytes = 64 * 1024,
}: AutomaticPersistedQueriesOptions = {}): Plugin {
  const documents = new LRUCache<string, string>({
    max: maxDocuments,
    maxSize: maxBytes,
    sizeCalculation: (query, hash) => Buffer.byteLength(query) + hash.length,
  });
  // A registration waits here, from its request's params until yoga has parsed its document.
  const pending = new WeakMap<Request, { hash: string; query: string }>();

  return {
    onParams({ request, params, setParams }) {
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
        setParams({ ...params, query });
        return;
      }
      if (createHash('sha256').update(params.query).digest('hex') !== hash) {
        throw new GraphQLError('PersistedQueryMismatch: sha256Hash is not the hash of the query', {
          extensions: { code: 'PERSISTED_QUERY_MISMATCH', http: { status: 400 } },
        });
      }
      if (Buffer.byteLength(params.query) <= maxDocumentBytes) {
        pending.set(request, { hash, query: params.query });
      }
    },
    onParse({ context }) {
      const registration = pending.get(context.request);
      if (!registration) return;
      pending.delete(context.request);
      return ({ result }) => {
        if (isDocument(result)) documents.set(registration.hash, registration.query);
      };
    },
  };
}
