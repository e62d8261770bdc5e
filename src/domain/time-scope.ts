import { InvalidArgumentError } from './invalid-argument-error.js';

/** KeyAPI's default: the past day. */
export const DEFAULT_TIME_SCOPE = '1';
const DAY_SCOPES = new Set(['1', '7', '30']);
/** TikTok launched in September 2016; no month before it can hold data. */
const EARLIEST_MONTH = '2016-09';
/** KeyAPI serves a month only once three calendar months have passed it (in 2025-12, 2025-09 is the newest). */
const MONTHS_OF_DELAY = 3;

/**
 * Checks the form of a time scope: `1`, `7` or `30` (string or integer) or a month `YYYY-MM`.
 * Whether a month is already available depends on the clock: see {@link assertTimeScopeAvailable}.
 */
export function parseTimeScope(input: unknown, argument = 'timeScope'): string {
  const text = typeof input === 'number' && Number.isInteger(input) ? String(input) : input;
  if (typeof text === 'string') {
    const trimmed = text.trim();
    if (DAY_SCOPES.has(trimmed)) return trimmed;
    const month = /^(\d{4})-(\d{2})$/.exec(trimmed);
    if (month && Number(month[2]) >= 1 && Number(month[2]) <= 12) return trimmed;
  }
  throw new InvalidArgumentError(
    argument,
    `${argument} must be 1, 7, 30 or a month as YYYY-MM; got ${JSON.stringify(input)}`,
  );
}

export function isMonthScope(scope: string): boolean {
  return scope.length === 7;
}

/** The newest month KeyAPI serves at `now`, as YYYY-MM (UTC). */
export function newestAvailableMonth(now: Date): string {
  const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - MONTHS_OF_DELAY, 1));
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function assertTimeScopeAvailable(scope: string, now: Date, argument = 'timeScope'): void {
  if (!isMonthScope(scope)) return;
  const newest = newestAvailableMonth(now);
  // YYYY-MM strings order like the months they name.
  if (scope > newest) {
    throw new InvalidArgumentError(
      argument,
      `${argument} ${scope} is not available yet: the newest month KeyAPI serves is ${newest}`,
    );
  }
  if (scope < EARLIEST_MONTH) {
    throw new InvalidArgumentError(
      argument,
      `${argument} ${scope} is before ${EARLIEST_MONTH}, when TikTok began`,
    );
  }
}
