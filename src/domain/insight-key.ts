import { InvalidArgumentError } from './invalid-argument-error.js';
import { parseRegion } from './region.js';
import { assertTimeScopeAvailable, parseTimeScope } from './time-scope.js';

/** What one upstream call answers: a category in a region over a time scope, all normalized. */
export interface InsightKey {
  readonly categoryId: string;
  readonly region: string;
  readonly timeScope: string;
}

export function parseCategoryId(input: unknown, argument = 'id'): string {
  const text = typeof input === 'number' && Number.isSafeInteger(input) ? String(input) : input;
  if (typeof text === 'string' && /^\d{1,20}$/.test(text.trim())) {
    // Leading zeros would make `0601583` and `601583` two keys (and two payments) for one category.
    return text.trim().replace(/^0+(?=\d)/, '');
  }
  throw new InvalidArgumentError(
    argument,
    `${argument} must be a category ID made of digits; got ${JSON.stringify(input)}`,
  );
}

/**
 * Validates and normalizes the three arguments of any path to an insight. Everything a client
 * may spell two ways (`us`/`US`, `7`/"7") collapses here, so equal questions share one key.
 */
export function toInsightKey(
  args: { id: unknown; region: unknown; timeScope: unknown },
  now: Date,
): InsightKey {
  const key = {
    categoryId: parseCategoryId(args.id),
    region: parseRegion(args.region),
    timeScope: parseTimeScope(args.timeScope),
  };
  assertTimeScopeAvailable(key.timeScope, now);
  return key;
}

/**
 * The public `CategoryInsight.id` and the loader's cache key: unique per (category, region,
 * scope) so client caches keyed by `__typename` + `id` never merge two scopes.
 */
export function insightKeyId(key: InsightKey): string {
  return `${key.categoryId}:${key.region}:${key.timeScope}`;
}

/** The inverse of {@link insightKeyId}, for lookups by ID (federation references). */
export function parseInsightKeyId(id: string, now: Date): InsightKey {
  const [categoryId, region, timeScope, ...rest] = id.split(':');
  if (rest.length > 0 || categoryId === undefined || region === undefined || timeScope === undefined) {
    throw new InvalidArgumentError('id', `"${id}" is not a CategoryInsight ID (categoryId:region:timeScope)`);
  }
  return toInsightKey({ id: categoryId, region, timeScope }, now);
}
