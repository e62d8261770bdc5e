/**
 * In-process coalescing: the first caller for an ID starts the work, and every caller that comes
 * while it runs shares its promise instead of starting another.
 */
export interface InFlight<T> {
  /** The work under way for `id`, started by `start` if none is; `leader` says whether this caller started it. */
  join(id: string, start: () => Promise<T>): { promise: Promise<T>; leader: boolean };
  has(id: string): boolean;
}

export function createInFlight<T>(): InFlight<T> {
  const running = new Map<string, Promise<T>>();
  return {
    join(id, start) {
      const existing = running.get(id);
      if (existing) return { promise: existing, leader: false };
      const promise = start().finally(() => running.delete(id));
      running.set(id, promise);
      return { promise, leader: true };
    },
    has: (id) => running.has(id),
  };
}
