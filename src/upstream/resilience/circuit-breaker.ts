import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock.js';
import { UpstreamError } from '../upstream-error.js';

export interface CircuitBreakerOptions {
  /** Consecutive failures of one key that open its circuit; distinct failing keys that open everyone's. */
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

/** What operators are told once, when it happens. */
export type BreakerTransition = 'opened' | 'closed' | 'paused' | 'resumed';

/** Whether this instance saw it, or adopted what another instance saw. */
export type BreakerOrigin = 'here' | 'fleet';

/** One key's circuit as the fleet hears of it: open for `openMs` from now, or closed (0). */
export type KeyCircuitListener = (key: string, openMs: number) => void;

/** What another instance saw: how long its pause or open circuit lasts from now, or that it closed. */
export type FleetBreakerEvent = { transition: 'opened' | 'paused'; ms: number } | { transition: 'closed' };

interface Circuit {
  failures: number;
  openUntil: number;
  probing: boolean;
}

/** Keys whose circuits are remembered at once; a key not seen for long starts closed again. */
const MAX_TRACKED_KEYS = 10_000;

const unavailable = (message: string) => new UpstreamError('UPSTREAM_UNAVAILABLE', message, { sent: false });

/**
 * Shields the upstream (and our credits) when it is failing, without letting one bad key speak
 * for the others. Each key has its own circuit: `failureThreshold` consecutive failures of that
 * key open it alone. The upstream as a whole is judged open only when `failureThreshold`
 * distinct keys have failed since the last success of any, so a poison key never takes healthy
 * ones down while a real outage still trips within a few calls. An open circuit fails fast for
 * `cooldownMs`, then lets one probe through. A 402 pauses all calls for `quotaPauseMs`.
 */
export class CircuitBreaker {
  // Bounded by size, not `max`, which would allocate every slot up front.
  private readonly circuits = new LRUCache<string, Circuit>({
    maxSize: MAX_TRACKED_KEYS,
    sizeCalculation: () => 1,
  });
  private readonly failingKeys = new Set<string>();
  private openUntil = 0;
  private pausedUntil = 0;
  private probeInFlight = false;
  // Another instance opened the upstream-wide circuit: open here too until a success anywhere.
  private fleetOpen = false;
  private readonly told = { opened: false, paused: false };
  private keyListener: KeyCircuitListener = () => {};

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly clock: Clock,
    private readonly onTransition: (
      transition: BreakerTransition,
      state: BreakerState,
      origin: BreakerOrigin,
    ) => void = () => {},
  ) {}

  /** The upstream-wide state (a single key's open circuit is not an outage). */
  state(): BreakerState {
    const now = this.clock.now().getTime();
    if (this.pausedUntil > 0 && now >= this.pausedUntil) {
      this.pausedUntil = 0;
      this.report('resumed');
    }
    if (now < this.pausedUntil) {
      return {
        state: 'paused',
        until: new Date(this.pausedUntil),
        reason: 'KeyAPI credits are exhausted (HTTP 402)',
      };
    }
    const tripped = this.failingKeys.size >= this.options.failureThreshold;
    if (!tripped && !this.fleetOpen) return { state: 'closed' };
    const reason = tripped
      ? `${this.failingKeys.size} distinct keys failed since the last success`
      : 'another instance found the upstream failing';
    if (now < this.openUntil) return { state: 'open', until: new Date(this.openUntil), reason };
    return { state: 'half-open', reason };
  }

  /** Throws when `key` may not be called now, without claiming a probe (to fail before queueing). */
  check(key: string): void {
    const refusal = this.refusal(key);
    if (refusal) throw refusal;
  }

  /** Throws when no call for `key` may go out now; otherwise the caller must report the outcome. */
  admit(key: string): void {
    this.check(key);
    const circuit = this.circuits.get(key);
    if (circuit && this.isKeyOpen(circuit)) circuit.probing = true;
    if (this.state().state === 'half-open') this.probeInFlight = true;
  }

  private refusal(key: string): UpstreamError | undefined {
    const state = this.state();
    if (state.state === 'paused') {
      return new UpstreamError(
        'UPSTREAM_QUOTA_EXCEEDED',
        `KeyAPI credits are exhausted; upstream calls are paused until ${state.until.toISOString()}`,
        { sent: false },
      );
    }
    if (state.state === 'open' || (state.state === 'half-open' && this.probeInFlight)) {
      return unavailable('KeyAPI is unavailable: the circuit breaker is open after repeated failures');
    }
    const circuit = this.circuits.get(key);
    if (
      circuit &&
      this.isKeyOpen(circuit) &&
      (this.clock.now().getTime() < circuit.openUntil || circuit.probing)
    ) {
      return unavailable('KeyAPI keeps failing for this category, region and time scope; try again later');
    }
    return undefined;
  }

  /** The admitted call did not go out after all (a budget refused it): free the probes, judge nothing. */
  abandon(key: string): void {
    this.probeInFlight = false;
    const circuit = this.circuits.get(key);
    if (circuit) circuit.probing = false;
  }

  onSuccess(key: string): void {
    if (this.isKeyOpen(this.circuits.get(key))) this.keyListener(key, 0);
    this.circuits.delete(key);
    this.close('here');
  }

  /** Hears each key whose circuit this instance opens or closes, to tell the fleet. */
  onKeyCircuit(listener: KeyCircuitListener): void {
    this.keyListener = listener;
  }

  /** Another instance opened (or closed, at 0 ms) one key's circuit: so does this one. */
  adoptKey(key: string, openMs: number): void {
    if (openMs <= 0) {
      this.circuits.delete(key);
      return;
    }
    const openUntil = this.clock.now().getTime() + openMs;
    this.circuits.set(key, { failures: this.options.failureThreshold, openUntil, probing: false });
  }

  /** Keys whose circuit is open or waits for a probe to succeed. */
  openKeys(): number {
    let open = 0;
    for (const circuit of this.circuits.values()) if (this.isKeyOpen(circuit)) open += 1;
    return open;
  }

  private isKeyOpen(circuit: Circuit | undefined): boolean {
    return circuit !== undefined && circuit.failures >= this.options.failureThreshold;
  }

  /** Acts on what another instance saw as if seen here, without telling the fleet again. */
  adopt(event: FleetBreakerEvent): void {
    if (event.transition === 'closed') {
      this.close('fleet');
      return;
    }
    const until = this.clock.now().getTime() + event.ms;
    if (event.transition === 'paused') {
      this.pausedUntil = Math.max(this.pausedUntil, until);
    } else {
      this.openUntil = Math.max(this.openUntil, until);
      this.fleetOpen = true;
    }
    this.report(event.transition, 'fleet');
  }

  private close(origin: BreakerOrigin): void {
    this.probeInFlight = false;
    this.fleetOpen = false;
    this.failingKeys.clear();
    this.report('closed', origin);
  }

  onFailure(key: string, error: unknown): void {
    this.probeInFlight = false;
    if (!(error instanceof UpstreamError)) {
      this.abandon(key);
    } else if (error.code === 'UPSTREAM_QUOTA_EXCEEDED') {
      this.pausedUntil = this.clock.now().getTime() + this.options.quotaPauseMs;
      this.report('paused');
      this.abandon(key);
    } else if (error.code === 'UPSTREAM_UNAVAILABLE') {
      this.onUnavailable(key);
    } else {
      // A 4xx or a 429 is the upstream answering: it is up.
      this.onSuccess(key);
    }
  }

  /** Only an unavailable upstream trips a circuit: the key's own, and everyone's once enough keys fail. */
  private onUnavailable(key: string): void {
    const now = this.clock.now().getTime();
    const circuit = this.circuits.get(key) ?? { failures: 0, openUntil: 0, probing: false };
    circuit.failures += 1;
    circuit.probing = false;
    this.circuits.set(key, circuit);
    if (this.isKeyOpen(circuit)) {
      circuit.openUntil = now + this.options.cooldownMs;
      this.keyListener(key, this.options.cooldownMs);
    }
    this.failingKeys.add(key);
    if (this.failingKeys.size >= this.options.failureThreshold) {
      this.openUntil = now + this.options.cooldownMs;
      this.report('opened');
    }
  }

  /** Tells each transition once: a half-open probe that fails again is not news. */
  private report(transition: BreakerTransition, origin: BreakerOrigin = 'here'): void {
    const flag = transition === 'opened' || transition === 'closed' ? 'opened' : 'paused';
    const on = transition === 'opened' || transition === 'paused';
    if (this.told[flag] === on) return;
    this.told[flag] = on;
    this.onTransition(transition, this.state(), origin);
  }
}
