/** KeyAPI's price for one call, whatever the answer. */
export const CREDITS_PER_CALL = 2;

export interface StaleNotice {
  id: string;
  fetchedAt: string;
  /** Seconds since `fetchedAt`. */
  ageSeconds: number;
  /**
   * `REFRESHING` when the answer was past its freshness and a refresh went out behind it; else
   * the `extensions.code` of the failure that made the gateway serve the old answer.
   */
  reason: string;
}

/** What one GraphQL operation cost, reported in `extensions.cost`. */
export class RequestCost {
  /** Upstream attempts this operation paid for (retries included). */
  upstreamCalls = 0;
  /** Answers served from the cache, free. */
  cacheHits = 0;
  /** Answers shared with a call another operation or instance was already making, free. */
  coalesced = 0;
  readonly stale: StaleNotice[] = [];
  /** Insights served fresh; a response built only from them may be replayed until `freshUntil`. */
  servedFresh = 0;
  /** When the first fresh insight served goes stale (ms since the epoch). */
  freshUntil = Number.POSITIVE_INFINITY;
  /** When the oldest fresh insight served was fetched (ms since the epoch): the response's `Age`. */
  oldestFetchedAt = Number.POSITIVE_INFINITY;

  constructor(
    /** Who pays: the gateway client token's name, or the caller's address. */
    readonly clientId: string,
    /** The request's ID, sent upstream with the calls it pays for. */
    readonly requestId: string,
  ) {}

  /** The account of a refresh this operation set off but does not wait for: the same client pays. */
  forRefresh(): RequestCost {
    return new RequestCost(this.clientId, this.requestId);
  }

  noteFresh(until: number, fetchedAt?: number): void {
    this.servedFresh += 1;
    this.freshUntil = Math.min(this.freshUntil, until);
    if (fetchedAt !== undefined) this.oldestFetchedAt = Math.min(this.oldestFetchedAt, fetchedAt);
  }

  get credits(): number {
    return this.upstreamCalls * CREDITS_PER_CALL;
  }

  summary() {
    return {
      upstreamCalls: this.upstreamCalls,
      cacheHits: this.cacheHits,
      coalesced: this.coalesced,
      credits: this.credits,
    };
  }
}
