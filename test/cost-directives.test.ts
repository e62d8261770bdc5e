import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { type GraphQLField, isObjectType, Kind, parse, print } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CREDITS_PER_CALL } from '../src/loaders/budget/request-cost.js';
import { costWeight } from '../src/schema/field-extensions.js';
import { schema } from '../src/schema/index.js';
import { analyzeOperation } from '../src/server/operation-analysis.js';
import { type Listening, listen } from './helpers/listen.js';
import { FIXED_NOW, startTestGateway, type TestGateway } from './helpers/test-gateway.js';
import { composeWithShop, INSIGHTS_SDL, startShopSubgraph } from './supergraph/shop-subgraph.js';

// A key no other operation here asks for, so the gateway's cache cannot answer it.
const ONE_INSIGHT = '{ categoryInsight(id: "601583", region: "US") { id title } }';
const THREE_INSIGHTS = '{ categoryInsights(ids: ["601583", "601584", "601755"]) { id title } }';

/** The directives applied to a field of an SDL document, printed. */
function appliedDirectives(sdl: string, typeName: string, fieldName: string): string[] {
  const type = parse(sdl).definitions.find(
    (definition) => definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === typeName,
  );
  const found =
    type?.kind === Kind.OBJECT_TYPE_DEFINITION
      ? type.fields?.find((each) => each.name.value === fieldName)
      : undefined;
  if (!found) throw new Error(`${typeName}.${fieldName} is not in the SDL`);
  return (found.directives ?? []).map((directive) => print(directive));
}

function field(typeName: string, fieldName: string): GraphQLField<unknown, unknown> {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  const found = type.getFields()[fieldName];
  if (!found) throw new Error(`${typeName}.${fieldName} does not exist`);
  return found;
}

describe('cost directives of the subgraph', () => {
  it('links Federation 2.9 and imports @cost and @listSize', () => {
    expect(INSIGHTS_SDL).toContain(
      '@link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])',
    );
  });

  it('prices every paid field at what KeyAPI charges for one call', () => {
    expect({
      categoryInsight: costWeight(field('Query', 'categoryInsight')),
      categoryInsights: costWeight(field('Query', 'categoryInsights')),
      'EcomCategory.insight': costWeight(field('EcomCategory', 'insight')),
    }).toEqual({
      categoryInsight: CREDITS_PER_CALL,
      categoryInsights: CREDITS_PER_CALL,
      'EcomCategory.insight': CREDITS_PER_CALL,
    });
  });

  it('gives a weight to every root field the pre-check prices, and to no free field', () => {
    const weighted = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .flatMap((type) => Object.values(type.getFields()).map((each) => ({ type, field: each })))
      .filter(({ field: each }) => costWeight(each) !== undefined)
      .map(({ type, field: each }) => `${type.name}.${each.name}`);
    const priced = Object.values(schema.getQueryType()?.getFields() ?? {})
      .filter((each) => each.extensions.paidCalls)
      .map((each) => `Query.${each.name}`);

    expect(weighted.sort()).toEqual(
      ['EcomCategory.insight', 'Query.categoryInsight', 'Query.categoryInsights'].sort(),
    );
    expect(priced.every((name) => weighted.includes(name))).toBe(true);
  });

  it('prices each distinct root key at its field weight, once however many fields ask for it', () => {
    const analysis = analyzeOperation(
      schema,
      parse(`{
        one: categoryInsight(id: "601583") { id }
        again: categoryInsight(id: "601583", region: "all_regions") { id }
        list: categoryInsights(ids: ["601583", "601584", "601584"]) { id }
      }`),
      null,
      {},
      FIXED_NOW,
    );

    expect('keys' in analysis && analysis.keys.map(({ credits }) => credits)).toEqual([2, 2]);
  });
});

describe('demand control of a router in front of the subgraph', () => {
  let insights: TestGateway;
  let insightsHttp: Listening;
  let shop: Listening;
  let subgraphRequests = 0;
  const routers: GatewayRuntime[] = [];
  let supergraphSdl: string;

  function router(maxCost: number): GatewayRuntime {
    const runtime = createGatewayRuntime({
      supergraph: supergraphSdl,
      logging: false,
      demandControl: { maxCost, includeExtensionMetadata: true },
    });
    routers.push(runtime);
    return runtime;
  }

  async function query(runtime: GatewayRuntime, text: string) {
    const response = await runtime.fetch('http://router.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: text }),
    });
    return (await response.json()) as {
      data?: Record<string, unknown> | null;
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
      extensions?: { cost?: { estimated: number; max: number } };
    };
  }

  beforeAll(async () => {
    insights = await startTestGateway();
    insightsHttp = await listen((request, response) => {
      subgraphRequests += 1;
      insights.gateway(request, response);
    });
    shop = await startShopSubgraph();
    supergraphSdl = composeWithShop({ insights: `${insightsHttp.url}/graphql`, shop: `${shop.url}/graphql` });
  });
  beforeEach(() => {
    insights.upstream.reset();
    subgraphRequests = 0;
  });
  afterAll(async () => {
    for (const runtime of routers) await runtime.dispose();
    await shop?.close();
    await insightsHttp?.close();
    await insights?.close();
  });

  it('carries @cost and @listSize of the paid fields into the supergraph', () => {
    const directives = (typeName: string, fieldName: string) =>
      appliedDirectives(supergraphSdl, typeName, fieldName).filter((text) => !text.startsWith('@join__'));

    expect(directives('Query', 'categoryInsight')).toEqual(['@cost(weight: 2)']);
    expect(directives('Query', 'categoryInsights')).toEqual([
      '@cost(weight: 2)',
      '@listSize(assumedSize: 500)',
    ]);
    expect(directives('EcomCategory', 'insight')).toEqual(['@cost(weight: 2)']);
    expect(directives('EcomCategory', 'path')).toEqual([]);
  });

  it('refuses an operation over its max cost before any request reaches the subgraph', async () => {
    const result = await query(router(10), THREE_INSIGHTS);

    expect(result.data?.categoryInsights ?? null).toBeNull();
    expect(result.errors).toEqual([
      expect.objectContaining({
        message: 'Operation estimated cost 1500 exceeded configured maximum 10',
        extensions: expect.objectContaining({ code: 'COST_ESTIMATED_TOO_EXPENSIVE' }),
      }),
    ]);
    expect(subgraphRequests).toBe(0);
    expect(insights.upstream.calls).toHaveLength(0);
  });

  it('passes the same operation under a higher max cost through to the gateway', async () => {
    const result = await query(router(1500), THREE_INSIGHTS);

    expect(result.errors).toBeUndefined();
    expect(result.data?.categoryInsights).toEqual([
      { id: '601583:all_regions:1', title: 'Perfume' },
      { id: '601584:all_regions:1', title: 'Lipstick & Lip Gloss' },
      { id: '601755:all_regions:1', title: 'Phone Cases' },
    ]);
    expect(result.extensions?.cost).toEqual({ estimated: 1500, max: 1500 });
    expect(subgraphRequests).toBe(1);
    expect(insights.upstream.calls).toHaveLength(3);
  });

  it('estimates one insight at its weight plus the object default, under a max cost of 10', async () => {
    const result = await query(router(10), ONE_INSIGHT);

    expect(result.errors).toBeUndefined();
    expect(result.data?.categoryInsight).toEqual({ id: '601583:US:1', title: 'Perfume' });
    // Hive Gateway adds CategoryInsight's default type cost (1) to the field's @cost (2).
    expect(result.extensions?.cost).toEqual({ estimated: 3, max: 10 });
    expect(insights.upstream.calls).toHaveLength(1);
  });
});
