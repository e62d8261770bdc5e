import { UpstreamError } from '../upstream-error.js';

export interface AttemptHooks {
  /** Runs just before each attempt leaves, once it is admitted; throwing stops the call (budgets). */
  beforeAttempt?: () => Promise<void> | void;
  /** The attempt never reached KeyAPI (refused connection, DNS, connect timeout): undo what was booked. */
  notSent?: () => Promise<void> | void;
}

/** One attempt as it passes the stages. */
export interface Call {
  /** What the breaker judges on its own: one key of one endpoint. */
  readonly scope: string;
  readonly hooks: AttemptHooks;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** The one upstream request this attempt makes. */
  readonly send: () => Promise<unknown>;
}

export type Attempt = (call: Call) => Promise<unknown>;

/** A stage wraps the rest of the pipeline: it acts before it, after it, or instead of it. */
export type Stage = (next: Attempt) => Attempt;

/** What any endpoint's call goes through, in the order of its stages. */
export interface Guard {
  run<T>(scope: string, send: () => Promise<T>, hooks?: AttemptHooks): Promise<T>;
}

export function createGuard(stages: readonly Stage[]): Guard {
  const pipeline = stages.reduceRight<Attempt>(
    (next, stage) => stage(next),
    (call) => call.send(),
  );
  return {
    run: <T>(scope: string, send: () => Promise<T>, hooks: AttemptHooks = {}) =>
      pipeline({ scope, send, hooks, attempt: 1 }) as Promise<T>,
  };
}

/** Books the attempt with the caller just before it leaves, and hands back one that never reached KeyAPI. */
export const budgeted: Stage = (next) => async (call) => {
  await call.hooks.beforeAttempt?.();
  try {
    return await next(call);
  } catch (error) {
    if (error instanceof UpstreamError && !error.sent) await call.hooks.notSent?.();
    throw error;
  }
};
