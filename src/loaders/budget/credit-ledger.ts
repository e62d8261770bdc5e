import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock.js';
import type { BudgetScope } from './credit-budget-error.js';

export interface DailyCaps {
  /** Credits one client may spend per UTC day. */
  perClient: number;
  /** Credits the whole deployment may spend per UTC day. */
  global: number;
}

export type CapScope = Exclude<BudgetScope, 'operation'>;

/** Daily credit counters, per client and in all. */
export interface CreditLedger {
  /**
   * Books `credits` for today unless that passes a cap; returns the cap that refused. `clientCap`
   * replaces the per-client cap for this client (the refresh-ahead budget is one).
   */
  reserve(clientId: string, credits: number, clientCap?: number): Promise<CapScope | undefined>;
  /** Hands back credits booked for an attempt that never reached KeyAPI. */
  refund(clientId: string, credits: number): Promise<void>;
  remaining(clientId: string): Promise<{ client: number; global: number }>;
  /** Books in the shared store whatever this instance spent while it was away or lost. */
  sync(): Promise<void>;
}

/** The fleet's totals after a booking, and whether a cap refused it (0 no, 1 client, 2 global). */
export interface Booking {
  refused: 0 | 1 | 2;
  client: number;
  global: number;
}

/** One instance's own spending today, and what it spent that the shared store has not seen yet. */
export interface OwnSpending {
  client: number;
  global: number;
  unbookedClient: number;
  unbookedGlobal: number;
}

/** Where the fleet's books live. Each instance owns its own counter, so none can erase another's. */
export interface SharedBooks {
  book(day: string, clientId: string, own: OwnSpending, credits: number, caps: DailyCaps): Promise<Booking>;
}

const DAY_MS = 86_400_000;
/** Clients whose spending is remembered per day; beyond that the least recent are forgotten. */
const MAX_CLIENTS = 100_000;

class Counters {
  // Bounded by size, not `max`: lru-cache allocates all `max` slots up front, 100,000 per counter.
  readonly perClient = new LRUCache<string, number>({ maxSize: MAX_CLIENTS, sizeCalculation: () => 1 });
  global = 0;
  of(clientId: string) {
    return this.perClient.get(clientId) ?? 0;
  }
  add(clientId: string, credits: number) {
    this.perClient.set(clientId, this.of(clientId) + credits);
    this.global += credits;
  }
}

/** One day's counts: this instance's own, what the others had booked at its last booking, and what Redis has not seen. */
class Day {
  readonly mine = new Counters();
  readonly others = new Counters();
  readonly unbooked = new Counters();
  /** The UTC date, e.g. 2025-12-15. */
  readonly date: string;
  /** When this day started (ms since the epoch). */
  readonly start: number;

  constructor(now: number) {
    this.start = now - (now % DAY_MS);
    this.date = new Date(this.start).toISOString().slice(0, 10);
  }

  holds(now: number): boolean {
    return now >= this.start && now < this.start + DAY_MS;
  }
}

/**
 * Today's books. Alone, the instance counts in memory. With shared books (Redis), each instance
 * keeps its own exact count and re-asserts it with every booking, so the fleet's total survives
 * a Redis restart that lost it; and it remembers what the others had spent at the last booking,
 * so while Redis is away it still refuses past the caps: alone, exactly at them; N instances
 * overshoot by at most what was left when Redis went away, times N − 1.
 */
export function createCreditLedger(
  caps: DailyCaps,
  clock: Clock,
  books?: SharedBooks,
  onError: (error: unknown) => void = () => {},
): CreditLedger {
  return new Ledger(caps, clock, books, onError);
}

class Ledger implements CreditLedger {
  private day = new Day(0);

  constructor(
    private readonly caps: DailyCaps,
    private readonly clock: Clock,
    private readonly books: SharedBooks | undefined,
    private readonly onError: (error: unknown) => void,
  ) {}

  reserve(clientId: string, credits: number, clientCap = this.caps.perClient) {
    return this.book(clientId, credits, { ...this.caps, perClient: clientCap });
  }

  async refund(clientId: string, credits: number) {
    await this.book(clientId, -credits);
  }

  async remaining(clientId: string) {
    await this.book(clientId, 0);
    const { mine, others } = this.day;
    return {
      client: this.caps.perClient - mine.of(clientId) - others.of(clientId),
      global: this.caps.global - mine.global - others.global,
    };
  }

  async sync() {
    for (const clientId of [...this.today().mine.perClient.keys()]) await this.book(clientId, 0);
  }

  private today(): Day {
    const now = this.clock.now().getTime();
    if (!this.day.holds(now)) this.day = new Day(now);
    return this.day;
  }

  private async book(clientId: string, credits: number, caps = this.caps): Promise<CapScope | undefined> {
    const day = this.today();
    if (!this.books) return this.bookLocally(day, clientId, credits, caps);
    try {
      return await this.bookShared(this.books, day, clientId, credits, caps);
    } catch (error) {
      this.onError(error);
      return this.bookLocally(day, clientId, credits, caps);
    }
  }

  private bookLocally(
    { mine, others, unbooked }: Day,
    clientId: string,
    credits: number,
    caps: DailyCaps,
  ): CapScope | undefined {
    if (credits > 0 && mine.of(clientId) + others.of(clientId) + credits > caps.perClient) return 'client';
    if (credits > 0 && mine.global + others.global + credits > caps.global) return 'global';
    mine.add(clientId, credits);
    if (this.books) unbooked.add(clientId, credits);
    return undefined;
  }

  private async bookShared(books: SharedBooks, day: Day, clientId: string, credits: number, caps: DailyCaps) {
    const { mine, others, unbooked } = day;
    const carried = { client: unbooked.of(clientId), global: unbooked.global };
    const own = { client: mine.of(clientId), global: mine.global };
    const spending = { ...own, unbookedClient: carried.client, unbookedGlobal: carried.global };
    const booking = await books.book(day.date, clientId, spending, credits, caps);
    unbooked.perClient.set(clientId, unbooked.of(clientId) - carried.client);
    unbooked.global -= carried.global;
    const booked = booking.refused === 0 ? credits : 0;
    mine.add(clientId, booked);
    others.perClient.set(clientId, booking.client - own.client - booked);
    others.global = booking.global - own.global - booked;
    return booking.refused === 1 ? 'client' : booking.refused === 2 ? 'global' : undefined;
  }
}
