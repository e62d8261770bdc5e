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
  /** Books `credits` for today unless that passes a cap; returns the cap that refused. */
  reserve(clientId: string, credits: number): Promise<CapScope | undefined>;
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

const dayOf = (now: Date) => now.toISOString().slice(0, 10);
/** Clients whose spending is remembered per day; beyond that the least recent are forgotten. */
const MAX_CLIENTS = 100_000;

class Counters {
  readonly perClient = new LRUCache<string, number>({ max: MAX_CLIENTS });
  global = 0;
  of(clientId: string) {
    return this.perClient.get(clientId) ?? 0;
  }
  add(clientId: string, credits: number) {
    this.perClient.set(clientId, this.of(clientId) + credits);
    this.global += credits;
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
  let day = '';
  let mine = new Counters();
  let others = new Counters();
  let unbooked = new Counters();
  const roll = () => {
    const today = dayOf(clock.now());
    if (today === day) return;
    day = today;
    mine = new Counters();
    others = new Counters();
    unbooked = new Counters();
  };

  const refusedLocally = (clientId: string, credits: number): CapScope | undefined => {
    if (credits <= 0) return undefined;
    if (mine.of(clientId) + others.of(clientId) + credits > caps.perClient) return 'client';
    if (mine.global + others.global + credits > caps.global) return 'global';
    return undefined;
  };

  const bookLocally = (clientId: string, credits: number) => {
    const refused = refusedLocally(clientId, credits);
    if (refused) return refused;
    mine.add(clientId, credits);
    if (books) unbooked.add(clientId, credits);
    return undefined;
  };

  const bookShared = async (shared: SharedBooks, clientId: string, credits: number) => {
    const carried = { client: unbooked.of(clientId), global: unbooked.global };
    const own = { client: mine.of(clientId), global: mine.global };
    const booking = await shared.book(
      day,
      clientId,
      { ...own, unbookedClient: carried.client, unbookedGlobal: carried.global },
      credits,
      caps,
    );
    unbooked.perClient.set(clientId, unbooked.of(clientId) - carried.client);
    unbooked.global -= carried.global;
    const booked = booking.refused === 0 ? credits : 0;
    mine.add(clientId, booked);
    others.perClient.set(clientId, booking.client - own.client - booked);
    others.global = booking.global - own.global - booked;
    return booking.refused === 1 ? 'client' : booking.refused === 2 ? 'global' : undefined;
  };

  const book = async (clientId: string, credits: number): Promise<CapScope | undefined> => {
    roll();
    if (!books) return bookLocally(clientId, credits);
    try {
      return await bookShared(books, clientId, credits);
    } catch (error) {
      onError(error);
      return bookLocally(clientId, credits);
    }
  };

  return {
    reserve: book,
    async refund(clientId, credits) {
      await book(clientId, -credits);
    },
    async remaining(clientId) {
      await book(clientId, 0);
      return {
        client: caps.perClient - mine.of(clientId) - others.of(clientId),
        global: caps.global - mine.global - others.global,
      };
    },
    async sync() {
      roll();
      for (const clientId of [...mine.perClient.keys()]) await book(clientId, 0);
    },
  };
}
