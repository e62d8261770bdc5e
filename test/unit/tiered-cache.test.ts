import { describe, expect, it } from 'vitest';
import type { CachedAnswer } from '../../src/loaders/cache/cached-answer.js';
import { createMemoryCache } from '../../src/loaders/cache/memory-cache.js';
import { createTieredCache } from '../../src/loaders/cache/tiered-cache.js';

const answer: CachedAnswer = { kind: 'answer', value: 'thing', fetchedAt: 0 };

describe('tiered cache', () => {
  it('keeps nothing it is asked to keep for 0 ms, which lru-cache would keep forever', async () => {
    const cache = createTieredCache(
      createMemoryCache({ maxEntries: 10, maxBytes: 10_000 }),
      undefined,
      () => {},
    );

    await cache.set('off', answer, 0);
    await cache.set('on', answer, 60_000);

    expect(await cache.get('off', () => true)).toBeUndefined();
    expect(await cache.get('on', () => true)).toEqual(answer);
  });
});
