import { UpstreamError } from './upstream-error.js';

export interface CircuitBreakerOptions {
  /** Consecutive transient failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit fails fast before letting one probe through. */
  cooldownMs: number;
  /** How long a 402 stops every call: the credits are gone, so retrying only fails again. */
  quotaPauseMs: number;
}

export type BreakerState =
  | { state: 'closed' }
  | { state: 'open'; until: Date; reason: string }
  | { state: 'half-open'; reason: string }
  | { state: 'paused'; until: Date; reason: string };

/**
 * Shields the upstream (and our credits) when it is failing: after `failureThreshold`
 * consecutive transient failures, calls fail fast for `cooldownMs`; then a single probe decides
 * whether to close again. A 402 pauses all calls for `quotaPauseMs`.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openUntil = 0;
  private pausedUntil = 0;
  private probeInFlight = false;
  private lastFailure = '';

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly clock: () => Date,
  ) {}

  state(): BreakerState {
    const now = this.clock().getTime();
    if (now < this.pausedUntil) {
      return {
        state: 'paused',
        until: new Date(this.pausedUntil),
        reason: 'KeyAPI credits are exhausted (HTTP 402)',
      };
    }
    if (this.consecutiveFailures < this.options.failureThreshold) return { state: 'closed' };
    const reason = `${this.consecutiveFailures} consecutive upstream failures, last: ${this.lastFailure}`;
    if (now < this.openUntil) return { state: 'open', until: new Date(this.openUntil), reason };
    return { state: 'half-open', reason };
  }

  /** Throws when the circuit is open or paused, without claiming the half-open probe. */
  check(): void {
    const { state } = this.state();
    if (state === 'paused' || state === 'open') this.admit();
  }

  /** Throws when no call may go out now; otherwise the caller must report the outcome. */
  admit(): void {
    const state = this.state();
    if (state.state === 'paused') {
      throw new UpstreamError(
        'UPSTREAM_QUOTA_EXCEEDED',
        `KeyAPI credits are exhausted; upstream calls are paused until ${state.until.toISOString()}`,
      );
    }
    if (state.state === 'open' || (state.state === 'half-open' && this.probeInFlight)) {
      throw new UpstreamError(
        'UPSTREAM_UNAVAILABLE',
        'KeyAPI is unavailable: the circuit breaker is open after repeated failures',
      );
    }
    if (state.state === 'half-open') this.probeInFlight = true;
  }

  /** The admitted call did not go out after all (a budget refused it): free the probe, judge nothing. */
  abandon(): void {
    this.probeInFlight = false;
  }

  onSuccess(): void {
    this.probeInFlight = false;
    this.consecutiveFailures = 0;
  }

  onFailure(error: unknown): void {
    this.probeInFlight = false;
    if (!(error instanceof UpstreamError)) return;
    if (error.code === 'UPSTREAM_QUOTA_EXCEEDED') {
      this.pausedUntil = this.clock().getTime() + this.options.quotaPauseMs;
      return;
    }
    // Only an unavailable upstream trips the breaker; a 4xx is the upstream answering.
    if (error.code !== 'UPSTREAM_UNAVAILABLE') {
      this.consecutiveFailures = 0;
      return;
    }
    this.consecutiveFailures += 1;
    this.lastFailure = error.message;
    if (this.consecutiveFailures >= this.options.failureThreshold) {
      this.openUntil = this.clock().getTime() + this.options.cooldownMs;
    }
  }
}
