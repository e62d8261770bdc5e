import { UpstreamError } from '../upstream-error.js';
import type { Stage } from './guard.js';

export interface ConcurrencyGateOptions {
  /** Upstream calls in flight at once. */
  maxConcurrent: number;
  /** Calls that may wait for a slot; more are refused at once. */
  maxQueued: number;
  /** The longest a call waits for a slot. */
  queueTimeoutMs: number;
}

// A full or stalled queue means KeyAPI is answering too slowly for the load: an availability
// problem, not the provider's rate limit, so clients are told UNAVAILABLE.
const overloaded = (message: string) => new UpstreamError('UPSTREAM_UNAVAILABLE', message, { sent: false });

/** A semaphore with a bounded, timed queue: excess load is refused, never piled up without end. */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: ConcurrencyGateOptions) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.options.maxConcurrent) {
      this.active += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.options.maxQueued) {
      return Promise.reject(
        overloaded('KeyAPI is unavailable: the gateway is at its upstream limit and its queue is full'),
      );
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(
          overloaded(
            `KeyAPI is unavailable: no upstream slot came free within ${this.options.queueTimeoutMs} ms`,
          ),
        );
      }, this.options.queueTimeoutMs);
      this.waiting.push(grant);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so `active` stays the same.
    if (next) next();
    else this.active -= 1;
  }
}

/** At most `maxConcurrent` attempts in flight; the rest wait in the gate's bounded queue. */
export function queued(gate: ConcurrencyGate): Stage {
  return (next) => (call) => gate.run(() => next(call));
}
