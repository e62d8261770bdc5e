import type { DocumentNode, Token } from 'graphql';
import type { YogaServerOptions } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';

/** What a parsed document costs in memory, per token: node, location and token objects. */
const BYTES_PER_TOKEN = 200;
const DOCUMENTS_MAX_BYTES = 16 * 1024 * 1024;
const ERRORS_MAX_BYTES = 2 * 1024 * 1024;
const MAX_ENTRIES = 1_000;

type ParserCacheOptions = Exclude<
  YogaServerOptions<object, object>['parserAndValidationCache'],
  boolean | undefined
>;

function tokensOf(document: DocumentNode): number {
  let count = 0;
  for (let token: Token | null | undefined = document.loc?.startToken; token; token = token.next) count += 1;
  return count;
}

/**
 * Yoga's parser cache, bounded by bytes instead of by count alone. Its default keeps 1,024
 * documents and 1,024 parse failures keyed by their full text, so distinct large documents, or
 * garbage, could hold over 100 MB: a parsed document takes about 200 bytes per token.
 */
export function boundedParserCache(): ParserCacheOptions {
  return {
    documentCache: new LRUCache<string, DocumentNode>({
      max: MAX_ENTRIES,
      maxSize: DOCUMENTS_MAX_BYTES,
      sizeCalculation: (document, text) => text.length + tokensOf(document) * BYTES_PER_TOKEN,
    }),
    errorCache: new LRUCache<string, object>({
      max: MAX_ENTRIES,
      maxSize: ERRORS_MAX_BYTES,
      sizeCalculation: (_error, text) => text.length + 1_024,
    }),
  };
}
