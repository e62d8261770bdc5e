import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { THIRD_LEVEL_IDS } from '../src/demo-upstream/catalog.js';
import { postCursor } from '../src/domain/post.js';
import { schema } from '../src/schema/index.js';
import { analyzeOperation } from '../src/server/operation-analysis.js';
import { fragmentFanOut } from './helpers/fragment-fan-out.js';
import { FIXED_NOW, useTestGateway } from './helpers/test-gateway.js';

const NOTHING_SPENT = { upstreamCalls: 0, cacheHits: 0, coalesced: 0, credits: 0 };

/** Distinct, well-formed category IDs: each would be one paid call. */
const categoryIds = (count: number) => Array.from({ length: count }, (_, index) => String(700_000 + index));

describe('operation analysis of a fragment fan-out', () => {
  const harness = useTestGateway();

  it('refuses 1,000 ids behind 27,000 fragment paths at the list cap, with no upstream call', async () => {
    const result = await harness.executeText(fragmentFanOut(), { ids: categoryIds(1_000) });

    expect(result.body.data ?? null).toBeNull();
    expect(result.body.errors).toEqual([
      expect.objectContaining({
        message: 'ids may list at most 500 categories; got 1000',
        extensions: { code: 'BAD_USER_INPUT', argumentName: 'ids' },
      }),
    ]);
    expect(result.body.extensions?.cost).toEqual(NOTHING_SPENT);
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('prices 400 ids behind 27,000 fragment paths once each and refuses them over budget', async () => {
    const result = await harness.executeText(fragmentFanOut(), { ids: categoryIds(400) });

    expect(result.body.errors?.[0]?.extensions).toEqual({
      code: 'CREDIT_BUDGET_EXCEEDED',
      budget: 'operation',
      neededCredits: 800,
      allowedCredits: 40,
    });
    expect(result.body.extensions?.cost).toEqual(NOTHING_SPENT);
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('finds each distinct key once, however many paths and spellings lead to it', () => {
    const ids = [...categoryIds(250), ...categoryIds(250).map((id) => `00${id}`)];

    const analysis = analyzeOperation(schema, parse(fragmentFanOut()), null, { ids }, FIXED_NOW);

    expect('keys' in analysis && analysis.keys).toHaveLength(250);
  });
});

describe('a work cap on the analysis', () => {
  const harness = useTestGateway({ env: { MAX_ALIASES: '1000', MAX_TOKENS: '100000' } });

  it('refuses with OPERATION_TOO_COMPLEX past 50,000 fields and ids, with no upstream call', async () => {
    const aliases = Array.from(
      { length: 101 },
      (_, index) => `a${index}: categoryInsights(ids: $ids) { id }`,
    );

    const result = await harness.executeText(`query ($ids: [ID!]!) { ${aliases.join(' ')} }`, {
      ids: categoryIds(500),
    });

    expect(result.body.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'OPERATION_TOO_COMPLEX', limit: 50_000 } }),
    ]);
    expect(result.body.extensions?.cost).toEqual(NOTHING_SPENT);
    expect(harness.upstream.calls).toHaveLength(0);
  });
});

describe('argument validation before execution', () => {
  const harness = useTestGateway();
  const postsOf = (args: string) =>
    harness.executeText(`{ categoryInsight(id: "601583") { id posts(${args}) { totalCount } } }`);

  it('refuses posts(first: -1) with BAD_USER_INPUT before the insight is paid for', async () => {
    const result = await postsOf('first: -1');

    expect(result.body.data ?? null).toBeNull();
    expect(result.body.errors).toEqual([
      expect.objectContaining({
        message: 'first must be zero or more; got -1',
        locations: [{ line: 1, column: 38 }],
        extensions: { code: 'BAD_USER_INPUT', argumentName: 'first' },
      }),
    ]);
    expect(result.body.extensions?.cost).toEqual(NOTHING_SPENT);
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('refuses posts(after: "garbage") with BAD_USER_INPUT before the insight is paid for', async () => {
    const result = await postsOf('after: "garbage"');

    expect(result.body.errors?.map((error) => error.extensions)).toEqual([
      { code: 'BAD_USER_INPUT', argumentName: 'after' },
    ]);
    expect(result.body.extensions?.cost).toEqual(NOTHING_SPENT);
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('pages on with a valid cursor', async () => {
    const query = `query ($after: String) {
      categoryInsight(id: "601583") { posts(first: 2, after: $after) { edges { node { id } } pageInfo { endCursor } } }
    }`;
    type Page = {
      categoryInsight: { posts: { edges: { node: { id: string } }[]; pageInfo: { endCursor: string } } };
    };

    const first = (await harness.executeText(query)).body.data as Page;
    const second = await harness.executeText(query, {
      after: first.categoryInsight.posts.pageInfo.endCursor,
    });

    expect(second.body.errors).toBeUndefined();
    const ids = (page: Page) => page.categoryInsight.posts.edges.map((edge) => edge.node.id);
    expect(ids(second.body.data as Page)).toHaveLength(2);
    expect(ids(second.body.data as Page)).not.toEqual(ids(first));
    expect(harness.upstream.calls).toHaveLength(1);
  });

  it('leaves a well-formed cursor of another list to the resolver, after the call', async () => {
    const result = await postsOf(`after: "${postCursor('123')}"`);

    expect(result.body.errors).toEqual([
      expect.objectContaining({
        path: ['categoryInsight', 'posts'],
        extensions: { code: 'BAD_USER_INPUT', argumentName: 'after' },
      }),
    ]);
    expect(harness.upstream.calls).toHaveLength(1);
  });

  it('refuses a bad argument nested in fragments under a nested insight, before any call', async () => {
    const result = await harness.executeText(`
      { categoryInsight(id: "601583") { ...Card } }
      fragment Card on CategoryInsight { category { insight(region: "US") { posts(first: -1) { totalCount } } } }
    `);

    expect(result.body.errors?.map((error) => error.extensions)).toEqual([
      { code: 'BAD_USER_INPUT', argumentName: 'first' },
    ]);
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('refuses a bad argument under a federation reference, before any call', async () => {
    const result = await harness.executeText(`{
      _entities(representations: [{ __typename: "CategoryInsight", id: "601583:all_regions:1" }]) {
        ... on CategoryInsight { posts(after: "garbage") { totalCount } }
      }
    }`);

    expect(result.body.errors?.map((error) => error.extensions)).toEqual([
      { code: 'BAD_USER_INPUT', argumentName: 'after' },
    ]);
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('still answers a nested EcomCategory.insight inside fragments', async () => {
    const result = await harness.executeText(`
      { categoryInsight(id: "601583") { ...Card } }
      fragment Card on CategoryInsight { id category { ...Elsewhere } }
      fragment Elsewhere on EcomCategory { insight(region: "US") { id } }
    `);

    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({
      categoryInsight: {
        id: '601583:all_regions:1',
        category: { insight: { id: '601583:US:1' } },
      },
    });
    expect(harness.upstream.calls).toHaveLength(2);
  });
});

describe('fragments in the credit pre-check', () => {
  const harness = useTestGateway({ env: { CREDIT_BUDGET_PER_OPERATION: '6' } });
  const [a, b, c, d] = THIRD_LEVEL_IDS as [string, string, string, string];
  const fourKeys = `fragment Four on Query { categoryInsights(ids: ${JSON.stringify([a, b, c, d])}) { id } }`;
  const oneKey = `fragment One on Query { categoryInsight(id: "${a}") { id } }`;

  it('leaves out the keys of a spread under @skip(if: true)', async () => {
    const result = await harness.executeText(
      `query ($skip: Boolean!) { ...Four @skip(if: $skip) ...One } ${fourKeys} ${oneKey}`,
      { skip: true },
    );

    expect(result.body.errors).toBeUndefined();
    expect(harness.upstream.calls).toHaveLength(1);
  });

  it('counts a fragment skipped in one place and spread in another', async () => {
    const result = await harness.executeText(`{ ...Four @skip(if: true) ...Four } ${fourKeys}`);

    expect(result.body.errors?.[0]?.extensions).toMatchObject({
      code: 'CREDIT_BUDGET_EXCEEDED',
      neededCredits: 8,
    });
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('prices an explicit null region as the default region', async () => {
    const result = await harness.executeText(
      `{ categoryInsights(ids: ${JSON.stringify([a, b, c, d])}, region: null, timeScope: null) { id } }`,
    );

    expect(result.body.errors?.[0]?.extensions).toMatchObject({
      code: 'CREDIT_BUDGET_EXCEEDED',
      neededCredits: 8,
    });
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('counts the keys of a repeated fragment once', async () => {
    const threeKeys = `fragment Three on Query { categoryInsights(ids: ${JSON.stringify([a, b, c])}) { id } }`;

    const result = await harness.executeText(
      `{ ...Three ...Twice ...Three } fragment Twice on Query { ...Three ...Three } ${threeKeys}`,
    );

    expect(result.body.errors).toBeUndefined();
    expect(result.body.extensions?.cost).toMatchObject({ upstreamCalls: 3, credits: 6 });
  });
});
