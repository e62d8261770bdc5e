/** KeyAPI's price for one call, whatever the answer. */
export const CREDITS_PER_CALL = 2;

export interface StaleNotice {
  id: string;
  fetchedAt: string;
  /** The `extensions.code` of the failure that made the gateway serve the old answer. */
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

  constructor(
    /** Who pays: the gateway client token's name, or the caller's address. */
    readonly clientId: string,
    /** The request's ID, sent upstream with the calls it pays for. */
    readonly requestId: string,
  ) {}

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
