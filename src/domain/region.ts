import { InvalidArgumentError } from './invalid-argument-error.js';

export const ALL_REGIONS = 'all_regions';

/** `all_regions` or a two-letter country code, case-insensitive in, canonical out (`us` → `US`). */
export function parseRegion(input: unknown, argument = 'region'): string {
  if (typeof input === 'string') {
    const trimmed = input.trim();
    if (trimmed.toLowerCase() === ALL_REGIONS) return ALL_REGIONS;
    if (/^[a-z]{2}$/i.test(trimmed)) return trimmed.toUpperCase();
  }
  throw new InvalidArgumentError(
    argument,
    `${argument} must be "${ALL_REGIONS}" or a two-letter country code such as "US"; got ${JSON.stringify(input)}`,
  );
}
