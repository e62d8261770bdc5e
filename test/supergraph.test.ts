import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Listening, listen } from './helpers/listen.js';
import { createTestClock } from './helpers/test-clock.js';
import { FIXED_NOW, startTestGateway, type TestGateway } from './helpers/test-gateway.js';
import { composeWithShop, startShopSubgraph } from './supergraph/shop-subgraph.js';

interface ProductRow {
  id: string;
  name: string;
  category: { id: string; name: string; level: number; path: Array<{ name: string }> };
  featuredPost: { id: string; createdAt: string; url: string } | null;
  trend: { id: string; title: string; hashtags: string[] } | null;
}

describe('supergraph of the insights subgraph and a shop subgraph', () => {
  const clock = createTestClock(FIXED_NOW);
  let insights: TestGateway;
  let insightsHttp: Listening;
  let shop: Listening;
  let router: GatewayRuntime;
  let supergraphSdl: string;

  beforeAll(async () => {
    insights = await startTestGateway({ clock: clock.now });
    insightsHttp = await listen(insights.gateway);
    shop = await startShopSubgraph();
    supergraphSdl = composeWithShop({ insights: `${insightsHttp.url}/graphql`, shop: `${shop.url}/graphql` });
    router = createGatewayRuntime({ supergraph: supergraphSdl, logging: false });
  });
  beforeEach(() => insights.upstream.reset());
  afterAll(async () => {
    await router?.dispose();
    await shop?.close();
    await insightsHttp?.close();
    await insights?.close();
  });

  async function query<TData>(text: string): Promise<{ data?: TData; errors?: unknown[] }> {
    const response = await router.fetch('http://router.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: text }),
    });
    return (await response.json()) as { data?: TData; errors?: unknown[] };
  }

  it('composes both keys of CategoryInsight and the root fields of both subgraphs', async () => {
    const schema = await router.getSchema();

    expect(supergraphSdl).toContain('@join__type(graph: INSIGHTS, key: "id")');
    expect(supergraphSdl).toContain('@join__type(graph: INSIGHTS, key: "categoryId region timeScope")');
    expect(supergraphSdl).toContain(
      '@join__type(graph: SHOP, key: "categoryId region timeScope", resolvable: false)',
    );
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {}).sort()).toEqual([
      'category',
      'categoryInsight',
      'categoryInsights',
      'products',
    ]);
  });

  it('answers one query across both subgraphs: one upstream call per distinct trend, which also names its category', async () => {
    const result = await query<{ products: ProductRow[] }>(`{
      products {
        id
        name
        category { id name level path { name } }
        featuredPost { id createdAt url }
        trend { id title hashtags }
      }
    }`);

    expect(result.errors).toBeUndefined();
    expect(
      result.data?.products.map((product) => [product.id, product.category.name, product.trend?.id]),
    ).toEqual([
      ['p1', 'Perfume', '601583:US:7'],
      ['p2', 'Perfume', '601583:US:7'],
      ['p3', 'Lipstick & Lip Gloss', '601584:US:7'],
      ['p4', 'Phone Cases', '601755:GB:7'],
    ]);
    expect(result.data?.products[0]).toMatchObject({
      name: 'Midnight Oud Eau de Parfum',
      category: {
        id: '601583',
        level: 3,
        path: [{ name: 'Beauty & Personal Care' }, { name: 'Makeup & Perfume' }, { name: 'Perfume' }],
      },
      featuredPost: {
        id: '7350810998023949599',
        createdAt: '2024-03-26T23:00:56.000Z',
        url: 'https://www.tiktok.com/@/video/7350810998023949599',
      },
      trend: { title: 'Perfume', hashtags: expect.arrayContaining(['perfume']) },
    });
    // Three unseen categories (fetched as all_regions, 1 day) and three trends (7 days): six calls
    // for four products, the shared Perfume category and trend paid once.
    expect(
      insights.upstream.calls.map((call) => `${call.id}:${call.region}:${call.timeScope}`).sort(),
    ).toEqual(['601583:US:7', '601584:US:7', '601755:GB:7']);
  });

  it('resolves categories and posts the gateway has already seen without an upstream call', async () => {
    const result = await query<{ products: Array<Pick<ProductRow, 'category' | 'featuredPost'>> }>(`{
      products {
        category { name level path { name } }
        featuredPost { url }
      }
    }`);

    expect(result.errors).toBeUndefined();
    expect(result.data?.products.map((product) => product.category.name)).toEqual([
      'Perfume',
      'Perfume',
      'Lipstick & Lip Gloss',
      'Phone Cases',
    ]);
    expect(result.data?.products.map((product) => product.featuredPost?.url ?? null)).toEqual([
      'https://www.tiktok.com/@/video/7350810998023949599',
      null,
      'https://www.tiktok.com/@/video/7350810998023949600',
      null,
    ]);
    expect(insights.upstream.calls).toHaveLength(0);
  });

  it('passes an upstream failure through the router with its code, keeping the other products', async () => {
    // Past the freshness and the stale grace of the trends fetched above: the fault reaches the router.
    clock.advance(25 * 60 * 60_000);
    insights.upstream.setFault('601584', { kind: 'status', status: 429, retryAfter: '30' });

    const result = await query<{ products: Array<{ id: string; trend: { title: string } | null }> }>(`{
      products { id trend { id title } }
    }`);

    expect(result.data?.products.map((product) => product?.trend?.title ?? null)).toEqual([
      'Perfume',
      'Perfume',
      null,
      'Phone Cases',
    ]);
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: expect.arrayContaining(['products', 2]),
        extensions: expect.objectContaining({ code: 'UPSTREAM_RATE_LIMITED', retryAfterSeconds: 30 }),
      }),
    ]);
  });
});
