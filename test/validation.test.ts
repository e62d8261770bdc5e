import { describe, expect, it } from 'vitest';
import { PostsPageDocument } from '../operations/gql/graphql.js';
import { InsightInScopeDocument } from './gql/graphql.js';
import { useTestGateway } from './helpers/test-gateway.js';

// FIXED_NOW is 2025-12-15: the newest month KeyAPI serves is 2025-09.
describe('argument validation before any credit is spent', () => {
  const harness = useTestGateway();

  const refusedAsVariables: Array<[string, { id: string; region?: string; timeScope?: string }]> = [
    ['an id with letters', { id: '60158a' }],
    ['an empty id', { id: '' }],
    ['a negative id', { id: '-601583' }],
    ['a three-letter region', { id: '601583', region: 'USA' }],
    ['a region with a digit', { id: '601583', region: 'U1' }],
    ['timeScope 14', { id: '601583', timeScope: '14' }],
    ['timeScope 0', { id: '601583', timeScope: '0' }],
    ['month 13', { id: '601583', timeScope: '2025-13' }],
    ['a month in a different format', { id: '601583', timeScope: '2025/09' }],
    ['the current month', { id: '601583', timeScope: '2025-12' }],
    ['one month back', { id: '601583', timeScope: '2025-11' }],
    ['two months back', { id: '601583', timeScope: '2025-10' }],
    ['a month before TikTok existed', { id: '601583', timeScope: '2015-01' }],
  ];

  it.each(refusedAsVariables)(
    'refuses %s with BAD_USER_INPUT and no upstream call',
    async (_what, variables) => {
      const result = await harness.execute(InsightInScopeDocument, variables);

      expect(result.data?.categoryInsight ?? null).toBeNull();
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(harness.upstream.calls).toHaveLength(0);
    },
  );

  const refusedAsLiterals = [
    ['a region literal', '{ categoryInsight(id: "601583", region: "USA") { id } }'],
    ['a time scope literal', '{ categoryInsight(id: "601583", timeScope: 2) { id } }'],
    ['a float time scope', '{ categoryInsight(id: "601583", timeScope: 7.0) { id } }'],
    ['an id literal', '{ categoryInsight(id: "abc") { id } }'],
  ];

  it.each(refusedAsLiterals)('refuses %s with BAD_USER_INPUT and no upstream call', async (_what, query) => {
    const result = await harness.executeText(query);

    expect(result.body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('accepts the newest available month and canonicalizes the arguments', async () => {
    const result = await harness.execute(InsightInScopeDocument, {
      id: '601583',
      region: 'gb',
      timeScope: '2025-09',
    });

    expect(result.errors).toBeUndefined();
    expect(result.data?.categoryInsight).toEqual({
      id: '601583:GB:2025-09',
      region: 'GB',
      timeScope: '2025-09',
    });
    expect(harness.upstream.calls).toEqual([
      expect.objectContaining({ id: '601583', region: 'GB', timeScope: '2025-09' }),
    ]);
  });

  it('takes an explicit null region or time scope as the default', async () => {
    const result = await harness.executeText(
      '{ categoryInsight(id: "601583", region: null, timeScope: null) { id } }',
    );

    expect(result.body.data).toEqual({ categoryInsight: { id: '601583:all_regions:1' } });
  });

  it('answers the valid sibling of a field refused for a bad id', async () => {
    const result = await harness.executeText(
      '{ bad: categoryInsight(id: "abc") { id } good: categoryInsight(id: "601583") { id } }',
    );

    expect(result.body.data).toEqual({ bad: null, good: { id: '601583:all_regions:1' } });
    expect(result.body.errors).toEqual([
      expect.objectContaining({ path: ['bad'], extensions: { code: 'BAD_USER_INPUT', argumentName: 'id' } }),
    ]);
    expect(harness.upstream.calls).toHaveLength(1);
  });

  it('refuses a bad ID inside a list at its own index and still answers the others', async () => {
    const result = await harness.executeText('{ categoryInsights(ids: ["601583", "x1", "601584"]) { id } }');

    expect(result.body.data).toEqual({
      categoryInsights: [{ id: '601583:all_regions:1' }, null, { id: '601584:all_regions:1' }],
    });
    expect(result.body.errors).toEqual([
      expect.objectContaining({
        path: ['categoryInsights', 1],
        extensions: { code: 'BAD_USER_INPUT', argumentName: 'id' },
      }),
    ]);
    expect(harness.upstream.calls.map((call) => call.id).sort()).toEqual(['601583', '601584']);
  });

  it('refuses a negative page size and an unknown cursor with BAD_USER_INPUT', async () => {
    const negative = await harness.execute(PostsPageDocument, { id: '601583', first: -1 });
    const unknown = await harness.execute(PostsPageDocument, { id: '601583', after: 'bm90LWEtY3Vyc29y' });

    expect(negative.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'first' });
    expect(unknown.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'after' });
    // Refused before execution: nothing was paid for the insight that holds `posts`.
    expect(negative.data ?? null).toBeNull();
    expect(harness.upstream.calls).toHaveLength(0);
  });
});

describe('month availability follows the injected clock', () => {
  const harness = useTestGateway({ clock: () => new Date('2026-03-01T00:00:00Z') });

  it('accepts 2025-12 in 2026-03 and refuses 2026-01', async () => {
    const accepted = await harness.execute(InsightInScopeDocument, { id: '601583', timeScope: '2025-12' });
    const refused = await harness.execute(InsightInScopeDocument, { id: '601583', timeScope: '2026-01' });

    expect(accepted.data?.categoryInsight?.timeScope).toBe('2025-12');
    expect(refused.errors?.[0]?.message).toBe(
      'timeScope 2026-01 is not available yet: the newest month KeyAPI serves is 2025-12',
    );
    expect(harness.upstream.calls).toHaveLength(1);
  });
});
