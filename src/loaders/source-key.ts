import type { AttemptHooks } from '../upstream/resilience/guard.js';
import type { CachedAnswer, GoodAnswer } from './cache/cached-answer.js';
import { type Freshness, freshness } from './cache/freshness.js';
import type { FetcherDeps } from './cached-fetcher.js';
import type { Source } from './source.js';

/** One key of one source, as the fetcher's hit, miss and refresh paths work on it. */
export interface SourceKey<K, P, V> {
  readonly source: Source<K, P, V>;
  readonly deps: FetcherDeps;
  readonly key: K;
  /** The cache ID, also the scope of the lease and of the breaker. */
  readonly id: string;
}

/** What a call under way for a key gives every caller that joined it. */
export interface Outcome {
  good: GoodAnswer;
  /** Set when KeyAPI failed and an older answer was served instead. */
  staleBecause?: string;
}

export function sourceKey<K, P, V>(source: Source<K, P, V>, deps: FetcherDeps, key: K): SourceKey<K, P, V> {
  return { source, deps, key, id: `${source.name}:${source.keyId(key)}` };
}

/** The key's freshness rules as of now: asked again at each use, since time moves on during a call. */
export function rulesNow<K, P, V>({ source, deps, key }: SourceKey<K, P, V>): Freshness {
  return freshness(source.freshForMs(key, deps.policy), deps.policy, deps.clock.now().getTime());
}

/** The cached answer if it is still fresh; a stale one is no answer here. */
export async function freshAnswer<K, P, V>(at: SourceKey<K, P, V>): Promise<CachedAnswer | undefined> {
  const { isFresh } = rulesNow(at);
  const answer = await at.deps.cache.get(at.id, isFresh);
  return answer && isFresh(answer) ? answer : undefined;
}

/** One guarded call to the source's endpoint, stamped with when its answer came. */
export async function askUpstream<K, P, V>(
  { source, deps, key, id }: SourceKey<K, P, V>,
  requestId: string,
  hooks: AttemptHooks,
): Promise<GoodAnswer & { kind: 'answer' }> {
  const value = await deps.keyapi.call(source.endpoint, source.params(key), { scope: id, requestId, hooks });
  return { kind: 'answer', value, fetchedAt: deps.clock.now().getTime() };
}
