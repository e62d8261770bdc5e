import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../src/config/env-schema.js';
import { GRAPHIQL_DEFAULT_QUERY } from '../src/server/graphiql/default-query.js';
import { useTestGateway } from './helpers/test-gateway.js';

const README = readFileSync('README.md', 'utf8');

/** The fenced blocks of one language in one `## ` section of the README. */
function blocks(section: string, language: string): string[] {
  const start = README.indexOf(`## ${section}`);
  const text = README.slice(start, README.indexOf('\n## ', start + 1));
  return [...text.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map(
    (match) => match[1] ?? '',
  );
}

describe('the README', () => {
  const harness = useTestGateway();

  it("shows GraphiQL's first tab as its first example", () => {
    expect(blocks('Example queries', 'graphql')[0]).toBe(GRAPHIQL_DEFAULT_QUERY);
  });

  it('shows what its examples answer, repeated ID and failing item included', async () => {
    const [, list] = blocks('Example queries', 'graphql');
    const [shown] = blocks('Example queries', 'json');

    const answered = await harness.executeText(list ?? '');

    expect(answered.body).toEqual(JSON.parse(shown ?? ''));
  });

  it('runs every example query without an error', async () => {
    const queries = blocks('Example queries', 'graphql');
    for (const query of [queries[0], queries[2]]) {
      expect((await harness.executeText(query ?? '')).body.errors).toBeUndefined();
    }
  });

  it("answers GraphiQL's first tab in the order its fields are asked", async () => {
    const { body } = await harness.executeText(GRAPHIQL_DEFAULT_QUERY);
    const insight = (body.data as { categoryInsight: Record<string, unknown> }).categoryInsight;

    expect(Object.keys(insight)).toEqual(['id', 'title', 'category', 'audienceAges', 'hashtags', 'posts']);
  });

  it('names only variables the gateway reads', () => {
    const table = README.slice(README.indexOf('## Configuration'), README.indexOf('## Example queries'));
    const named = [...table.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1] ?? '');
    const prefixes = named.filter((name) => name.endsWith('_'));
    const known = Object.keys(envSchema.shape);

    expect(named.filter((name) => !name.endsWith('_') && !known.includes(name))).toEqual([]);
    expect(prefixes.every((prefix) => known.some((name) => name.startsWith(prefix)))).toBe(true);
  });
});
