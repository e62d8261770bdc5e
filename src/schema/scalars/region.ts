import { Kind } from 'graphql';
import { ALL_REGIONS, parseRegion } from '../../domain/region.js';
import { builder } from '../builder.js';
import { refusingBadInput } from '../errors.js';

const parse = refusingBadInput((value) => parseRegion(value, 'Region'));

builder.scalarType('Region', {
  description: `"${ALL_REGIONS}" or a two-letter country code such as "US"; input is case-insensitive (us = US), output is canonical ("US", "${ALL_REGIONS}").`,
  serialize: (value) => value,
  parseValue: parse,
  parseLiteral: (node) => parse(node.kind === Kind.STRING ? node.value : undefined),
});
