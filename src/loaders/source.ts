import type { KeyApiEndpoint } from '../upstream/keyapi-client.js';
import type { CachePolicy } from './cache/freshness.js';

/**
 * One kind of paid answer: how its arguments become a key, how long an answer stays fresh, and
 * which KeyAPI endpoint answers it. The fetcher, the per-request loaders and the pre-execution
 * cost check work from this alone, so a new endpoint is one more source.
 */
export interface Source<K, P, V> {
  /** Names the source in cache keys, leases and the breaker's scopes. */
  readonly name: string;
  /** Validates and normalizes a field's arguments; throws InvalidArgumentError for bad ones. */
  keyOf(args: Readonly<Record<string, unknown>>, now: Date): K;
  /** Unique per key: equal questions share one answer. */
  keyId(key: K): string;
  freshForMs(key: K, policy: CachePolicy): number;
  readonly endpoint: KeyApiEndpoint<P, V>;
  params(key: K): P;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds sources of every key and value type.
export type AnySource = Source<any, any, any>;
