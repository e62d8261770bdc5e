import type { FetchLease } from './fetch-lease.js';

export interface LeasedCallOptions {
  lease: FetchLease;
  /** The longest an instance waits for a live holder's answer before paying itself. */
  waitMs: number;
  /** The longest a waiter goes without looking, when no release wakes it (a holder that died). */
  pollMs: number;
  monotonic: () => number;
  onSharedError: (error: unknown) => void;
}

/**
 * Cross-instance coalescing: whoever holds an ID's lease pays, renewing it while the call runs;
 * the others wait for its answer to land, and compete again when the holder finishes without
 * one or dies. A Redis failure never fails the call: the instance pays alone.
 */
export function createLeasedCall(options: LeasedCallOptions) {
  const { lease, waitMs, monotonic, onSharedError } = options;
  /**
   * `landed` reads an answer another instance may have stored; `pay` makes the call. Returns
   * what was paid for, or what landed (with `coalesced` set).
   */
  async function leased<A>(
    id: string,
    landed: () => Promise<A | undefined>,
    pay: () => Promise<A>,
  ): Promise<{ answer: A; coalesced: boolean }> {
    const deadline = monotonic() + waitMs;
    while (monotonic() < deadline) {
      let won: boolean;
      try {
        won = await lease.acquire(id);
      } catch (error) {
        onSharedError(error);
        return { answer: await pay(), coalesced: false };
      }
      if (won) {
        return whileHeld(lease, id, onSharedError, async () => {
          const answer = await landed();
          return answer ? { answer, coalesced: true } : { answer: await pay(), coalesced: false };
        });
      }
      const answer = await waitForHolder(options, id, landed, deadline);
      if (answer) return { answer, coalesced: true };
    }
    return { answer: await pay(), coalesced: false };
  }

  /**
   * Runs `work` under the lease if no instance holds it, else leaves it to the holder (undefined):
   * a background refresh someone else is already making need not be made twice.
   */
  async function ifFree<A>(id: string, work: () => Promise<A>): Promise<A | undefined> {
    let won: boolean;
    try {
      won = await lease.acquire(id);
    } catch (error) {
      onSharedError(error);
      return work();
    }
    return won ? whileHeld(lease, id, onSharedError, work) : undefined;
  }

  return Object.assign(leased, { ifFree });
}

export type LeasedCall = ReturnType<typeof createLeasedCall>;

/** Waits while another instance holds the lease; its answer, or undefined to compete again. */
async function waitForHolder<A>(
  { lease, pollMs, monotonic, onSharedError }: LeasedCallOptions,
  id: string,
  landed: () => Promise<A | undefined>,
  deadline: number,
): Promise<A | undefined> {
  while (monotonic() < deadline) {
    await lease.released(id, pollMs);
    const answer = await landed();
    if (answer) return answer;
    const held = await lease.isHeld(id).catch((error) => {
      onSharedError(error);
      return false;
    });
    if (!held) return undefined;
  }
  return undefined;
}

/** Keeps the lease alive while `work` runs, so waiting instances know the holder lives. */
async function whileHeld<A>(
  lease: FetchLease,
  id: string,
  onSharedError: (error: unknown) => void,
  work: () => Promise<A>,
): Promise<A> {
  const renewal = setInterval(
    () => void lease.renew(id).catch(onSharedError),
    Math.max(50, Math.floor(lease.leaseMs / 3)),
  );
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    await lease.release(id).catch(onSharedError);
  }
}
