import { describe, expect, it } from 'vitest';
import { useTestGateway } from './helpers/test-gateway.js';

/** What a federation router sends to resolve references: `_entities` with representations. */
const ENTITIES = /* GraphQL */ `
  query Entities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on CategoryInsight { id title }
      ... on EcomCategory { id name level path { id } }
      ... on Post { id createdAt url }
    }
  }
`;

type Entity = { __typename: string; id: string; [field: string]: unknown } | null;

// Each test asks for keys no earlier test of its gateway asked for, so the counts hold whatever
// the gateway remembers between operations.
describe('federation subgraph', () => {
  const harness = useTestGateway();

  const entities = async (representations: Array<Record<string, unknown>>) => {
    const { body } = await harness.executeText(ENTITIES, { representations });
    return { ...body, data: body.data as { _entities: Entity[] } | null | undefined };
  };

  it('serves its SDL with a key on CategoryInsight, EcomCategory and Post', async () => {
    const { body } = await harness.executeText('{ _service { sdl } }');
    const sdl = (body.data as { _service: { sdl: string } })._service.sdl;

    expect(sdl).toContain(
      '@link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])',
    );
    expect(sdl).toMatch(
      /type CategoryInsight\s+@key\(fields: "id"\)\s+@key\(fields: "categoryId region timeScope"\)/,
    );
    expect(sdl).toMatch(/type EcomCategory\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Post\s+@key\(fields: "id"\)/);
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('resolves 100 insight representations of 12 distinct keys with 12 upstream calls', async () => {
    const keys = ['601583', '601584', '601459', '601170'].flatMap((categoryId) =>
      ['1', '7', '30'].map((timeScope) => ({ categoryId, region: 'US', timeScope })),
    );
    // Both keys, and the spellings a router may forward as they came: all collapse onto 12 keys.
    const spellings = [
      (key: (typeof keys)[number]) => ({ id: `${key.categoryId}:${key.region}:${key.timeScope}` }),
      (key: (typeof keys)[number]) => ({ id: `${key.categoryId}:us:${key.timeScope}` }),
      (key: (typeof keys)[number]) => ({ ...key }),
      (key: (typeof keys)[number]) => ({ ...key, categoryId: `0${key.categoryId}`, region: 'us' }),
    ];
    const representations = Array.from({ length: 100 }, (_, index) => {
      const key = keys[index % keys.length] as (typeof keys)[number];
      const spell = spellings[
        Math.floor(index / keys.length) % spellings.length
      ] as (typeof spellings)[number];
      return { __typename: 'CategoryInsight', ...spell(key) };
    });

    const result = await entities(representations);

    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toHaveLength(100);
    expect(result.data?._entities.map((entity) => entity?.id)).toEqual(
      representations.map((_, index) => {
        const key = keys[index % keys.length] as (typeof keys)[number];
        return `${key.categoryId}:US:${key.timeScope}`;
      }),
    );
    expect(result.data?._entities[0]).toEqual({
      __typename: 'CategoryInsight',
      id: '601583:US:1',
      title: 'Perfume',
    });
    expect(harness.upstream.calls).toHaveLength(12);
    expect(
      new Set(harness.upstream.calls.map((call) => `${call.id}:${call.region}:${call.timeScope}`)).size,
    ).toBe(12);
  });

  it('shares one upstream call between a reference and a root field of the same key', async () => {
    const { body } = await harness.executeText(
      `query ($representations: [_Any!]!) {
        categoryInsight(id: "601590", region: "GB", timeScope: 7) { id }
        _entities(representations: $representations) { ... on CategoryInsight { id } }
      }`,
      { representations: [{ __typename: 'CategoryInsight', id: '601590:gb:7' }] },
    );

    expect(body.data).toEqual({ categoryInsight: { id: '601590:GB:7' }, _entities: [{ id: '601590:GB:7' }] });
    expect(harness.upstream.calls).toHaveLength(1);
  });

  it('refuses an invalid insight representation with BAD_USER_INPUT, no call, and keeps its siblings', async () => {
    const result = await entities([
      { __typename: 'CategoryInsight', id: 'perfume' },
      { __typename: 'CategoryInsight', id: '601583:US:2099-01' },
      { __typename: 'CategoryInsight', categoryId: '601583', region: 'USA', timeScope: '7' },
      { __typename: 'CategoryInsight', id: '601583:US:7' },
    ]);

    expect(result.data?._entities).toEqual([
      null,
      null,
      null,
      expect.objectContaining({ id: '601583:US:7' }),
    ]);
    expect(result.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [['_entities', 0], 'BAD_USER_INPUT'],
      [['_entities', 1], 'BAD_USER_INPUT'],
      [['_entities', 2], 'BAD_USER_INPUT'],
    ]);
    expect(harness.upstream.calls).toHaveLength(1);
  });

  it('resolves a Post from its ID alone, without an upstream call', async () => {
    const result = await entities([
      { __typename: 'Post', id: '7350810998023949599' },
      { __typename: 'Post', id: 'not-a-post' },
    ]);

    expect(result.data?._entities).toEqual([
      {
        __typename: 'Post',
        id: '7350810998023949599',
        createdAt: '2024-03-26T23:00:56.000Z',
        url: 'https://www.tiktok.com/@/video/7350810998023949599',
      },
      null,
    ]);
    expect(result.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [['_entities', 1], 'BAD_USER_INPUT'],
    ]);
    expect(harness.upstream.calls).toHaveLength(0);
  });
});

describe('federation references to categories', () => {
  const harness = useTestGateway();

  const categories = async (ids: string[]) => {
    const { body } = await harness.executeText(ENTITIES, {
      representations: ids.map((id) => ({ __typename: 'EcomCategory', id })),
    });
    return body as {
      data?: { _entities: Entity[] } | null;
      errors?: Array<{ extensions?: { code?: string } }>;
    };
  };

  it('fetches an unseen third-level category once, then knows it and its ancestors for free', async () => {
    const first = await categories(['601583', '601583']);

    expect(first.data?._entities).toEqual([
      {
        __typename: 'EcomCategory',
        id: '601583',
        name: 'Perfume',
        level: 3,
        path: [{ id: '601450' }, { id: '848648' }, { id: '601583' }],
      },
      expect.objectContaining({ id: '601583' }),
    ]);
    expect(harness.upstream.calls).toEqual([
      expect.objectContaining({ id: '601583', region: 'all_regions', timeScope: '1' }),
    ]);

    const again = await categories(['601583', '848648', '601450']);

    expect(again.data?._entities.map((entity) => [entity?.id, entity?.name, entity?.level])).toEqual([
      ['601583', 'Perfume', 3],
      ['848648', 'Makeup & Perfume', 2],
      ['601450', 'Beauty & Personal Care', 1],
    ]);
    expect(harness.upstream.calls).toHaveLength(1);
  });

  it('knows the categories of every insight any operation loaded', async () => {
    await harness.executeText('{ categoryInsight(id: "601755", region: "GB", timeScope: 30) { id } }');
    const result = await categories(['601755', '601740', '601739']);

    expect(result.data?._entities.map((entity) => entity?.name)).toEqual([
      'Phone Cases',
      'Phone Accessories',
      'Phones & Electronics',
    ]);
    expect(harness.upstream.calls).toHaveLength(1);
  });

  it('reports an unseen upper-level category as KeyAPI does: a bad request, after one call', async () => {
    const result = await categories(['700437']);

    expect(result.data?._entities).toEqual([null]);
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['UPSTREAM_BAD_REQUEST']);
    expect(harness.upstream.calls).toHaveLength(1);
  });

  it('refuses a category ID that is not digits with BAD_USER_INPUT and no call', async () => {
    const result = await categories(['beauty']);

    expect(result.data?._entities).toEqual([null]);
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(harness.upstream.calls).toHaveLength(0);
  });
});

describe('category references at the minimum', () => {
  const harness = useTestGateway();
  const CATEGORY_AND_NZ_INSIGHT = /* GraphQL */ `
    query Entities($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on EcomCategory { id name insight(region: "NZ", timeScope: "30") { id title } }
      }
    }
  `;

  it('names 100 references to 6 categories from the 6 insights the same request pays for anyway', async () => {
    const six = ['601583', '601584', '601459', '601170', '601755', '700510'];
    const representations = Array.from({ length: 100 }, (_, index) => ({
      __typename: 'EcomCategory',
      id: six[index % 6],
    }));

    const { body } = await harness.executeText(CATEGORY_AND_NZ_INSIGHT, { representations });
    const entities = (
      body.data as { _entities: Array<{ id: string; name: string; insight: { id: string } }> }
    )._entities;

    expect(body.errors).toBeUndefined();
    expect(entities[0]).toEqual({
      id: '601583',
      name: 'Perfume',
      insight: { id: '601583:NZ:30', title: 'Perfume' },
    });
    expect(entities.every((entity, index) => entity.insight.id === `${six[index % 6]}:NZ:30`)).toBe(true);
    expect(
      harness.upstream.calls.map((call) => `${call.id}:${call.region}:${call.timeScope}`).sort(),
    ).toEqual(six.map((id) => `${id}:NZ:30`).sort());
  });

  it('answers category(id) from what the gateway has seen, and refuses an insight of a known upper-level ID for free', async () => {
    await harness.executeText('{ categoryInsight(id: "601583") { id } }');

    const { body } = await harness.executeText(`{
      level1: category(id: "601450") { name level }
      level3: category(id: "601583") { name path { name } }
    }`);
    const refused = await harness.executeText('{ categoryInsight(id: "601450") { id } }');

    expect(body.data).toEqual({
      level1: { name: 'Beauty & Personal Care', level: 1 },
      level3: {
        name: 'Perfume',
        path: [{ name: 'Beauty & Personal Care' }, { name: 'Makeup & Perfume' }, { name: 'Perfume' }],
      },
    });
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'id' });
    expect(refused.body.errors?.[0]?.message).toContain('is a level-1 category');
    expect(harness.upstream.calls).toHaveLength(1);
  });
});
