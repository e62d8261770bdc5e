import { readFileSync } from 'node:fs';
import { printSubgraphSchema } from '@apollo/subgraph';
import {
  isInputObjectType,
  isIntrospectionType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';

describe('schema', () => {
  it('matches the committed schema.graphql (run `npm run schema` after a change)', () => {
    expect(readFileSync('schema.graphql', 'utf8')).toBe(`${printSubgraphSchema(schema)}\n`);
  });

  it('keeps the contract clients rely on', () => {
    const query = schema.getQueryType()?.getFields();
    expect(query?.categoryInsight?.type.toString()).toBe('CategoryInsight');
    expect(
      query?.categoryInsight?.args.map(
        (arg) => `${arg.name}: ${arg.type} = ${JSON.stringify(arg.defaultValue)}`,
      ),
    ).toEqual(['id: ID! = undefined', 'region: Region = "all_regions"', 'timeScope: TimeScope = "1"']);
    expect(query?.categoryInsights?.type.toString()).toBe('[CategoryInsight]!');
    const fieldTypes = (name: string) => {
      const type = schema.getType(name);
      if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
      return Object.fromEntries(
        Object.values(type.getFields()).map((field) => [field.name, field.type.toString()]),
      );
    };
    expect(fieldTypes('CategoryInsight')).toMatchObject({
      id: 'ID!',
      categoryId: 'ID!',
      region: 'Region!',
      timeScope: 'TimeScope!',
      title: 'String',
      coverUrl: 'String',
      ecomType: 'String',
      category: 'EcomCategory',
      categoryPath: '[EcomCategory!]!',
      audienceAges: '[AudienceAge!]!',
      audienceInterests: '[AudienceInterest!]!',
      hashtags: '[String!]!',
      posts: 'PostConnection!',
    });
    expect(fieldTypes('AudienceAge')).toEqual({ ageLevel: 'Int!', ageRange: 'String!', score: 'Int!' });
    expect(fieldTypes('AudienceInterest')).toEqual({ name: 'String!', score: 'Float' });
    expect(fieldTypes('EcomCategory')).toEqual({
      id: 'ID!',
      name: 'String!',
      label: 'String',
      level: 'Int!',
      parent: 'EcomCategory',
      path: '[EcomCategory!]!',
      insight: 'CategoryInsight',
    });
    expect(fieldTypes('Post')).toEqual({ id: 'ID!', createdAt: 'DateTime!', url: 'String!' });
    expect(fieldTypes('PostConnection')).toMatchObject({ totalCount: 'Int!', pageInfo: 'PageInfo!' });
  });

  it('describes every type, field and argument', () => {
    // Names with a leading underscore (`_entities`, `_Any`…) belong to the federation spec, not to us.
    const ours = (name: string) => !name.startsWith('_');
    const undocumented: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (isIntrospectionType(type) || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
      if (!ours(type.name)) continue;
      if (!type.description) undocumented.push(type.name);
      if (!isObjectType(type) && !isInputObjectType(type)) continue;
      for (const field of Object.values(type.getFields()).filter((field) => ours(field.name))) {
        if (!field.description) undocumented.push(`${type.name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : []) {
          if (!arg.description) undocumented.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
    expect(undocumented).toEqual([]);
  });
});
