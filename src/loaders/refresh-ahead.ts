import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import { CreditBudgetError } from './budget/credit-budget-error.js';
import type { CreditLedger } from './budget/credit-ledger.js';
import { CREDITS_PER_CALL } from './budget/request-cost.js';
import type { Fetchers } from './request-loaders.js';

export interface RefreshAheadOptions {
  /** Credits refresh-ahead may spend per UTC day, across the fleet with Redis; 0 turns it off. */
  creditsPerDay: number;
  /** A key asked for at least this often, recent requests weighing most, counts as hot. */
  minHits: number;
  /** How fast past requests stop counting: half their weight after this long. */
  halfLifeMs: number;
  /** How often hot keys are looked at; a key is refreshed in the two looks before it expires. */
  intervalMs: number;
}

/** Whose budget refresh-ahead books: its own, with its own daily cap. */
export const REFRESH_AHEAD_CLIENT = 'refresh-ahead';
/** Refreshes at once, so a burst of hot keys does not crowd out the requests' own calls. */
const CONCURRENCY = 4;
/** Keys whose popularity is followed; the least recently asked are forgotten first. */
const MAX_TRACKED = 10_000;

interface Popularity {
  source: string;
  key: unknown;
  /** Requests, each weighing less the older it is. */
  heat: number;
  at: number;
}

/**
 * Refresh-ahead for hot keys: the keys asked for most in the recent past are refreshed shortly
 * before they expire, hottest first, through the same guards (and so the same QPS limit) as any
 * call, within a daily budget of their own, so a popular dashboard never meets a miss.
 */
export function createRefreshAhead(
  fetchers: Fetchers,
  ledger: CreditLedger,
  clock: Clock,
  options: RefreshAheadOptions,
) {
  const tracked = new LRUCache<string, Popularity>({ maxSize: MAX_TRACKED, sizeCalculation: () => 1 });
  const decay = (popularity: Popularity, now: number) =>
    popularity.heat * 0.5 ** ((now - popularity.at) / options.halfLifeMs);
  let lastLook = 0;
  let looking: Promise<void> | undefined;
  let spent = false;

  const hooks = {
    async beforeAttempt() {
      if (await ledger.reserve(REFRESH_AHEAD_CLIENT, CREDITS_PER_CALL, options.creditsPerDay)) {
        spent = true;
        throw new CreditBudgetError('client', "Refresh-ahead's daily credit budget is spent");
      }
    },
    notSent: () => ledger.refund(REFRESH_AHEAD_CLIENT, CREDITS_PER_CALL),
  };

  /** The hot keys about to expire, hottest first. */
  async function due(now: number) {
    const hot = [...tracked.values()]
      .map((popularity) => ({ ...popularity, heat: decay(popularity, now) }))
      .filter((popularity) => popularity.heat >= options.minHits)
      .sort((a, b) => b.heat - a.heat);
    const expiring = await Promise.all(
      hot.map(async (popularity) => {
        const left = await fetchers.get(popularity.source)?.freshFor(popularity.key);
        return left !== undefined && left <= 2 * options.intervalMs ? popularity : undefined;
      }),
    );
    return expiring.filter((popularity) => popularity !== undefined);
  }

  async function look() {
    spent = false;
    const queue = await due(clock.now().getTime());
    const worker = async () => {
      for (let next = queue.shift(); next && !spent; next = queue.shift()) {
        await fetchers.get(next.source)?.refresh(next.key, `refresh-ahead-${randomUUID()}`, hooks, 'ahead');
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }

  /** Looks at the hot keys, unless a look is under way or one was made within the interval. */
  function maybeLook(): Promise<void> | undefined {
    const now = clock.now().getTime();
    if (looking || now - lastLook < options.intervalMs) return looking;
    lastLook = now;
    looking = look().finally(() => {
      looking = undefined;
    });
    return looking;
  }

  const timer =
    options.creditsPerDay > 0 ? setInterval(() => void maybeLook(), options.intervalMs).unref() : undefined;

  return {
    /** Counts a request for a key; the requests themselves also move the looks along. */
    asked(source: string, id: string, key: unknown) {
      if (!timer) return;
      const now = clock.now().getTime();
      const seen = tracked.get(id);
      tracked.set(id, { source, key, heat: (seen ? decay(seen, now) : 0) + 1, at: now });
      void maybeLook();
    },
    stop: () => clearInterval(timer),
  };
}

export type RefreshAhead = ReturnType<typeof createRefreshAhead>;
