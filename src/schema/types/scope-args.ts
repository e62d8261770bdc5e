import { ALL_REGIONS } from '../../domain/region.js';
import { DEFAULT_TIME_SCOPE } from '../../domain/time-scope.js';
import { builder } from '../builder.js';

/** `region` and `timeScope`, declared once for every field that leads to an insight. */
export const scopeArgs = () =>
  builder.args((t) => ({
    region: t.field({
      type: 'Region',
      defaultValue: ALL_REGIONS,
      description: `Where the audience is: "${ALL_REGIONS}" (the default) or a two-letter country code.`,
    }),
    timeScope: t.field({
      type: 'TimeScope',
      defaultValue: DEFAULT_TIME_SCOPE,
      description: 'The period covered: 1 (the default), 7 or 30 past days, or a month "YYYY-MM".',
    }),
  }));
