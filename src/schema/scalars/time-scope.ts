import { Kind } from 'graphql';
import { parseTimeScope } from '../../domain/time-scope.js';
import { builder } from '../builder.js';
import { refusingBadInput } from '../errors.js';

const parse = refusingBadInput((value) => parseTimeScope(value, 'TimeScope'));

builder.scalarType('TimeScope', {
  description:
    'The period an insight covers: 1, 7 or 30 (the past days; as a string or an Int literal) or a month as "YYYY-MM". A month is served once three calendar months have passed it (in 2025-12 the newest is "2025-09"). Always output as a string.',
  serialize: (value) => value,
  parseValue: parse,
  parseLiteral: (node) =>
    parse(node.kind === Kind.STRING ? node.value : node.kind === Kind.INT ? Number(node.value) : undefined),
});
