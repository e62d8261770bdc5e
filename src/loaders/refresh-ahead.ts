import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import type { AttemptHooks } from '../upstream/resilience/guard.js';
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
): RefreshAhead {
  return new RefreshAhead(fetchers, ledger, clock, options);
}

export class RefreshAhead {
  private readonly tracked = new LRUCache<string, Popularity>({
    maxSize: MAX_TRACKED,
    sizeCalculation: () => 1,
  });
  private readonly timer: NodeJS.Timeout | undefined;
  private lastLook = 0;
  private looking: Promise<void> | undefined;
  private spent = false;
  /** Books each refresh against refresh-ahead's own daily cap; a refusal ends the look. */
  private readonly hooks: AttemptHooks = {
    beforeAttempt: async () => {
      if (await this.ledger.reserve(REFRESH_AHEAD_CLIENT, CREDITS_PER_CALL, this.options.creditsPerDay)) {
        this.spent = true;
        throw new CreditBudgetError('client', "Refresh-ahead's daily credit budget is spent");
      }
    },
    notSent: () => this.ledger.refund(REFRESH_AHEAD_CLIENT, CREDITS_PER_CALL),
  };

  constructor(
    private readonly fetchers: Fetchers,
    private readonly ledger: CreditLedger,
    private readonly clock: Clock,
    private readonly options: RefreshAheadOptions,
  ) {
    if (options.creditsPerDay > 0)
      this.timer = setInterval(() => void this.maybeLook(), options.intervalMs).unref();
  }

  /** Counts a request for a key; the requests themselves also move the looks along. */
  asked(source: string, id: string, key: unknown): void {
    if (!this.timer) return;
    const now = this.clock.now().getTime();
    const seen = this.tracked.get(id);
    this.tracked.set(id, { source, key, heat: (seen ? this.decay(seen, now) : 0) + 1, at: now });
    void this.maybeLook();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private decay(popularity: Popularity, now: number): number {
    return popularity.heat * 0.5 ** ((now - popularity.at) / this.options.halfLifeMs);
  }

  /** Looks at the hot keys, unless a look is under way or one was made within the interval. */
  private maybeLook(): void {
    const now = this.clock.now().getTime();
    if (this.looking || now - this.lastLook < this.options.intervalMs) return;
    this.lastLook = now;
    this.looking = this.look().finally(() => {
      this.looking = undefined;
    });
  }

  private async look(): Promise<void> {
    this.spent = false;
    const queue = await this.due(this.clock.now().getTime());
    const worker = async () => {
      for (let next = queue.shift(); next && !this.spent; next = queue.shift()) {
        const fetcher = this.fetchers.get(next.source);
        await fetcher?.refresh(next.key, `refresh-ahead-${randomUUID()}`, this.hooks, 'ahead');
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }

  /** The hot keys about to expire (within two looks), hottest first. */
  private async due(now: number): Promise<Popularity[]> {
    const hot = [...this.tracked.values()]
      .map((popularity) => ({ ...popularity, heat: this.decay(popularity, now) }))
      .filter((popularity) => popularity.heat >= this.options.minHits)
      .sort((a, b) => b.heat - a.heat);
    const expiring = await Promise.all(
      hot.map(async (popularity) => {
        const left = await this.fetchers.get(popularity.source)?.freshFor(popularity.key);
        return left !== undefined && left <= 2 * this.options.intervalMs ? popularity : undefined;
      }),
    );
    return expiring.filter((popularity) => popularity !== undefined);
  }
}
