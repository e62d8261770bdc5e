import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { RedisClient } from '../../redis/connection.js';
import { isDocument } from '../../telemetry/operation-outcome.js';

/**
 * Apollo's automatic persisted queries (APQ): a client first sends only the SHA-256 of its
 * document in `extensions.persistedQuery`; on PERSISTED_QUERY_NOT_FOUND it sends document and
 * hash once, and the gateway remembers the pair once yoga has parsed the document, so text that
 * is not GraphQL is never kept. Saves upload bytes, not security: any document that parses can
 * still be registered, within a bound on count and bytes. With Redis, a registration made on one
 * instance serves every instance, so a client behind a load balancer registers once.
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
  /** Where instances share registrations; a Redis failure leaves each with its own. */
  shared?: { redis: RedisClient; onError: (error: unknown) => void };
}

/** A shared registration lives this long after its last lookup, so abandoned ones leave Redis. */
const SHARED_TTL_SECONDS = 24 * 60 * 60;

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

const SHA256_HEX = /^[0-9a-f]{64}$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// The message is part of the protocol: older clients match on it rather than the code.
const notFound = () =>
  new GraphQLError('PersistedQueryNotFound', {
    extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 404 } },
  });

export function useAutomaticPersistedQueries({
  maxDocuments = 1_000,
  maxBytes = 2 * 1024 * 1024,
  maxDocumentBytes = 64 * 1024,
  shared,
}: AutomaticPersistedQueriesOptions = {}): Plugin {
  const documents = new LRUCache<string, string>({
    max: maxDocuments,
    maxSize: maxBytes,
    sizeCalculation: (query, hash) => Buffer.byteLength(query) + hash.length,
  });
  // Only a registration made elsewhere costs a Redis read; a hash that is not SHA-256 costs none.
  const sharedLookup = async (hash: string): Promise<string | undefined> => {
    if (!shared || !SHA256_HEX.test(hash)) return undefined;
    const query = await shared.redis.getex(`apq:${hash}`, 'EX', SHARED_TTL_SECONDS).catch(shared.onError);
    // Whatever Redis holds runs only under its own hash.
    if (typeof query !== 'string' || sha256(query) !== hash) return undefined;
    documents.set(hash, query);
    return query;
  };
  const register = (hash: string, query: string) => {
    documents.set(hash, query);
    shared?.redis.set(`apq:${hash}`, query, 'EX', SHARED_TTL_SECONDS).catch(shared.onError);
  };
  // A registration waits here, from its request's params until yoga has parsed its document.
  const pending = new WeakMap<Request, { hash: string; query: string }>();

  return {
    onParams({ request, params, setParams }) {
      const persisted = persistedQueryOf(params.extensions);
      if (!persisted) return;
      const hash = persisted.sha256Hash.toLowerCase();
      if (params.query == null) {
        const run = (query: string | undefined) => {
          if (query === undefined) throw notFound();
          setParams({ ...params, query });
        };
        const local = documents.get(hash);
        return local === undefined ? sharedLookup(hash).then(run) : run(local);
      }
      if (sha256(params.query) !== hash) {
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
        if (isDocument(result)) register(registration.hash, registration.query);
      };
    },
  };
}
