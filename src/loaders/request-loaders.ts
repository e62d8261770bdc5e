import DataLoader from 'dataloader';
import type { RequestCost } from './budget/request-cost.js';
import type { CachedFetcher, Fetched } from './cached-fetcher.js';
import type { AnySource, Source } from './source.js';

/** An answer with the key it answers. */
export type Loaded<K, V> = Fetched<V> & { key: K };

/** The process-wide fetcher of each source, by source name. */
export type Fetchers = ReadonlyMap<string, CachedFetcher<unknown, unknown>>;

/**
 * One per GraphQL request: a DataLoader per source, so equal questions asked any number of ways
 * in one operation cost one call. Nothing is shared across requests, so no client sees another's
 * data or spends another's budget.
 */
export interface RequestLoaders {
  /** Validates and normalizes a field's arguments, then loads; bad arguments reject before any call. */
  load<K, V>(source: Source<K, unknown, V>, args: Readonly<Record<string, unknown>>): Promise<Loaded<K, V>>;
  loadKey<K, V>(source: Source<K, unknown, V>, key: K): Promise<Loaded<K, V>>;
}

export function createRequestLoaders(fetchers: Fetchers, cost: RequestCost, now: Date): RequestLoaders {
  const loaders = new Map<string, DataLoader<unknown, Loaded<unknown, unknown>, string>>();
  const loaderOf = (source: AnySource) => {
    let loader = loaders.get(source.name);
    if (!loader) {
      const fetcher = fetchers.get(source.name);
      if (!fetcher) throw new Error(`No fetcher is registered for the source "${source.name}"`);
      loader = new DataLoader(
        // Failures stay per key, so siblings keep their data.
        async (keys) =>
          Promise.all(
            keys.map((key) =>
              fetcher
                .fetch(key, cost)
                .then((fetched) => ({ key, ...fetched }))
                .catch(asError),
            ),
          ),
        // Each key answers as soon as it is answered, so a cached card never waits for a slow one
        // (a deferred one, say); KeyAPI takes one key a call anyway, and the cache still dedupes.
        { cacheKeyFn: (key) => source.keyId(key), batch: false },
      );
      loaders.set(source.name, loader);
    }
    return loader;
  };
  const loadKey = <K, V>(source: Source<K, unknown, V>, key: K) =>
    loaderOf(source).load(key) as Promise<Loaded<K, V>>;
  return {
    load: async (source, args) => loadKey(source, source.keyOf(args, now)),
    loadKey,
  };
}

/** A rejection as an Error, the form DataLoader wants for a key that failed. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
