import { Kind } from 'graphql';
import { builder } from '../builder.js';
import { badUserInput } from '../errors.js';

function parse(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime()))
    throw badUserInput(`DateTime must be an ISO 8601 string; got ${JSON.stringify(value)}`);
  return date;
}

builder.scalarType('DateTime', {
  description: 'A point in time as an ISO 8601 string in UTC, e.g. "2025-04-07T12:30:00.000Z".',
  serialize: (value) => value.toISOString(),
  parseValue: parse,
  parseLiteral: (node) => parse(node.kind === Kind.STRING ? node.value : undefined),
});
