import { UpstreamError } from '../upstream-error.js';
import type { Stage } from './guard.js';

/** One attempt that was made, for metrics and the debug log. */
export interface AttemptReport {
  scope: string;
  attempt: number;
  /** `ok`, or the attempt's `extensions.code`. */
  outcome: string;
  /** HTTP status, 0 when none came back. */
  status: number;
  seconds: number;
  /** Whether KeyAPI saw it (and charged for it). */
  sent: boolean;
  error?: UpstreamError;
}

/** Tells `report` about every attempt that went out or tried to, with its outcome and duration. */
export function reported(report: (attempt: AttemptReport) => void, monotonic: () => number): Stage {
  return (next) => async (call) => {
    const started = monotonic();
    const seconds = () => (monotonic() - started) / 1000;
    try {
      const result = await next(call);
      report({
        scope: call.scope,
        attempt: call.attempt,
        outcome: 'ok',
        status: 200,
        seconds: seconds(),
        sent: true,
      });
      return result;
    } catch (error) {
      const upstream = error instanceof UpstreamError ? error : undefined;
      report({
        scope: call.scope,
        attempt: call.attempt,
        outcome: upstream?.code ?? 'INTERNAL',
        status: upstream?.status ?? 0,
        seconds: seconds(),
        sent: upstream?.sent ?? false,
        ...(upstream && { error: upstream }),
      });
      throw error;
    }
  };
}
