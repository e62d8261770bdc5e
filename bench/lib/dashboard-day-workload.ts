/** A dashboard day as pure data: seeded arrivals, Zipf-popular keys, and what an ideal cache would pay. */

export type DayScope = '1' | '7' | '30';

export interface CardKey {
  id: string;
  region: string;
  timeScope: DayScope;
}

/** One viewer opening a dashboard: when (ms from the start of the day) and which cards (indexes into the keys). */
export interface DashboardLoad {
  at: number;
  cards: number[];
}

export interface DayOptions {
  keyCount: number;
  durationMs: number;
  /** Mean arrivals per millisecond (a Poisson process). */
  loadsPerMs: number;
  minCards: number;
  maxCards: number;
  /** Zipf exponent of key popularity. */
  zipfS: number;
  seed: number;
}

/** mulberry32: small, fast and the same sequence for the same seed on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Draws a rank in [0, n) with probability ∝ 1 / (rank + 1)^s. */
export function zipfSampler(n: number, s: number, random: () => number): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= n; rank++) {
    total += 1 / rank ** s;
    cumulative.push(total);
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] as number) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

/**
 * The day's arrivals. Popularity ranks are dealt to keys in a seeded shuffle, so the popular keys
 * mix regions and scopes; a dashboard shows distinct cards, so a load draws its keys without repeats.
 * Returns the loads and each key's popularity rank (0 = most popular).
 */
export function daySchedule(options: DayOptions): { loads: DashboardLoad[]; rankOf: number[] } {
  const random = seededRandom(options.seed);
  const keyOfRank = Array.from({ length: options.keyCount }, (_, index) => index);
  for (let index = keyOfRank.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [keyOfRank[index], keyOfRank[other]] = [keyOfRank[other] as number, keyOfRank[index] as number];
  }
  const rankOf = new Array<number>(options.keyCount);
  keyOfRank.forEach((key, rank) => {
    rankOf[key] = rank;
  });
  const drawRank = zipfSampler(options.keyCount, options.zipfS, random);
  const loads: DashboardLoad[] = [];
  for (let at = -Math.log(1 - random()) / options.loadsPerMs; at < options.durationMs; ) {
    const size = options.minCards + Math.floor(random() * (options.maxCards - options.minCards + 1));
    const cards = new Set<number>();
    while (cards.size < size) cards.add(keyOfRank[drawRank()] as number);
    loads.push({ at, cards: [...cards] });
    at += -Math.log(1 - random()) / options.loadsPerMs;
  }
  return { loads, rankOf };
}

/** What a model cache makes of one key's request times: fetches, and requests that waited or got a stale copy. */
export interface ModelOutcome {
  fetches: number;
  /** Requests after the key's first that waited for a fetch (their own, or one under way). */
  waitedAfterFirst: number;
  servedStale: number;
}

/**
 * An ideal on-demand cache over one key's sorted request times: a fetch at a request covers
 * [t, t + ttl); the next request after that fetches again. With `graceMs`, a request within the
 * grace is served the old copy at once and refreshes it (stale-while-revalidate, no refresh-ahead).
 * With `latencyMs`, a fetch answers that much later, and requests meanwhile share it (they wait,
 * unless a copy within its grace is there to serve). With neither, `fetches` is the fewest any
 * on-demand cache can make for that freshness.
 */
export function modelCache(
  times: readonly number[],
  ttlMs: number,
  graceMs = 0,
  latencyMs = 0,
): ModelOutcome {
  const outcome: ModelOutcome = { fetches: 0, waitedAfterFirst: 0, servedStale: 0 };
  let copyAt = Number.NEGATIVE_INFINITY;
  let answersAt: number | undefined;
  times.forEach((at, index) => {
    if (answersAt !== undefined && at >= answersAt) {
      copyAt = answersAt;
      answersAt = undefined;
    }
    if (at < copyAt + ttlMs) return;
    if (answersAt === undefined) {
      outcome.fetches += 1;
      answersAt = at + latencyMs;
    }
    if (at < copyAt + ttlMs + graceMs) outcome.servedStale += 1;
    else if (index > 0) outcome.waitedAfterFirst += 1;
  });
  return outcome;
}
