import type { RedisClient } from '../../redis/connection.js';
import type { AnswerCache, CachedAnswer } from './cached-answer.js';

/** The tier every instance shares: one paid answer serves the whole fleet. */
export function createRedisCache(redis: RedisClient): AnswerCache {
  return {
    async get(id) {
      const text = await redis.get(`answer:${id}`);
      return text === null ? undefined : (JSON.parse(text) as CachedAnswer);
    },
    async set(id, answer, keepMs) {
      await redis.set(`answer:${id}`, JSON.stringify(answer), 'PX', Math.max(1, Math.round(keepMs)));
    },
  };
}

/**
 * Memory first, then Redis. A Redis failure is reported and treated as a miss (or a skipped
 * write), never as a failed query.
 */
export function createTieredCache(
  memory: AnswerCache,
  shared: AnswerCache | undefined,
  onSharedError: (error: unknown) => void,
) {
  return {
    /**
     * The freshest answer known. A local answer that `isFresh` accepts is enough; otherwise
     * another instance may have paid for a newer one, so the shared tier is asked too.
     */
    async get(id: string, isFresh: (answer: CachedAnswer) => boolean): Promise<CachedAnswer | undefined> {
      const local = await memory.get(id);
      if ((local && isFresh(local)) || !shared) return local;
      let remote: CachedAnswer | undefined;
      try {
        remote = await shared.get(id);
      } catch (error) {
        onSharedError(error);
      }
      if (!remote || (local && local.fetchedAt >= remote.fetchedAt)) return local;
      if (isFresh(remote)) await memory.set(id, remote, KEEP_PEER_ANSWER_MS);
      return remote;
    },
    async set(id: string, answer: CachedAnswer, keepMs: number) {
      // Nothing to keep (a TTL of 0 turns caching off); lru-cache would even read ttl 0 as "forever".
      if (keepMs <= 0) return;
      await memory.set(id, answer, keepMs);
      if (!shared) return;
      try {
        await shared.set(id, answer, keepMs);
      } catch (error) {
        onSharedError(error);
      }
    },
  };
}

export type TieredCache = ReturnType<typeof createTieredCache>;

/** How long a peer's answer is kept locally; freshness is still judged by its own `fetchedAt`. */
const KEEP_PEER_ANSWER_MS = 7 * 86_400_000;
