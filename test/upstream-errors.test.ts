import { describe, expect, it } from 'vitest';
import type { Fault } from '../src/demo-upstream/faults.js';
import { BrokenAndHealthyDocument } from './gql/graphql.js';
import { useTestGateway } from './helpers/test-gateway.js';

const BROKEN = '601584';
const HEALTHY = '601583';

interface Row {
  what: string;
  fault: Fault;
  code: string;
  extensions?: Record<string, unknown>;
}

const rows: Row[] = [
  {
    what: '400',
    fault: { kind: 'status', status: 400, message: 'Missing required parameter: handle' },
    code: 'UPSTREAM_BAD_REQUEST',
    extensions: { upstreamStatus: 400 },
  },
  {
    what: '401',
    fault: { kind: 'status', status: 401, message: 'apiKey is null' },
    code: 'UPSTREAM_UNAUTHORIZED',
    extensions: { upstreamStatus: 401 },
  },
  {
    what: '402',
    fault: { kind: 'status', status: 402, message: 'apiKey quota is not enough' },
    code: 'UPSTREAM_QUOTA_EXCEEDED',
    extensions: { upstreamStatus: 402 },
  },
  { what: '403', fault: { kind: 'status', status: 403, message: 'forbidden' }, code: 'UPSTREAM_FORBIDDEN' },
  {
    what: '429 with Retry-After',
    fault: { kind: 'status', status: 429, message: 'qps limit exceeded', retryAfter: '3' },
    code: 'UPSTREAM_RATE_LIMITED',
    extensions: { upstreamStatus: 429, retryAfterSeconds: 3 },
  },
  {
    what: '500',
    fault: { kind: 'status', status: 500, message: 'Internal server error' },
    code: 'UPSTREAM_UNAVAILABLE',
  },
  {
    what: '503',
    fault: { kind: 'status', status: 503 },
    code: 'UPSTREAM_UNAVAILABLE',
    extensions: { upstreamStatus: 503 },
  },
  { what: 'a hanging upstream (timeout)', fault: { kind: 'hang' }, code: 'UPSTREAM_UNAVAILABLE' },
  { what: 'a connection reset before headers', fault: { kind: 'reset' }, code: 'UPSTREAM_UNAVAILABLE' },
  { what: 'a connection reset mid-body', fault: { kind: 'reset-mid-body' }, code: 'UPSTREAM_UNAVAILABLE' },
  { what: 'a non-JSON body', fault: { kind: 'non-json' }, code: 'UPSTREAM_UNAVAILABLE' },
  { what: 'a body of the wrong shape', fault: { kind: 'malformed' }, code: 'UPSTREAM_UNAVAILABLE' },
  {
    what: 'a JSON body that is not an envelope',
    fault: { kind: 'raw', status: 200, body: [1, 2] },
    code: 'UPSTREAM_UNAVAILABLE',
  },
  {
    what: 'a body over the size cap',
    fault: { kind: 'oversize', bytes: 300_000 },
    code: 'UPSTREAM_UNAVAILABLE',
  },
  {
    what: '2xx with a non-zero code',
    fault: { kind: 'business-error', code: 10_001, message: 'category not ranked in this region' },
    code: 'UPSTREAM_ERROR',
    extensions: { upstreamStatus: 200 },
  },
];

describe('upstream failures', () => {
  const harness = useTestGateway({
    env: {
      KEYAPI_HEADERS_TIMEOUT_MS: '300',
      KEYAPI_REQUEST_TIMEOUT_MS: '500',
      KEYAPI_MAX_RESPONSE_BYTES: '200000',
      // One attempt each: these tests are about how a failure is reported; retries have their own.
      KEYAPI_RETRY_MAX_ATTEMPTS: '1',
    },
  });

  it.each(rows)('maps $what to $code and keeps the sibling field', async ({ fault, code, extensions }) => {
    harness.upstream.setFault(BROKEN, fault);

    const result = await harness.execute(BrokenAndHealthyDocument, { brokenId: BROKEN, healthyId: HEALTHY });

    expect(result.data?.broken).toBeNull();
    expect(result.data?.healthy).toMatchObject({ id: `${HEALTHY}:all_regions:1`, title: 'Perfume' });
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]).toMatchObject({ path: ['broken'], extensions: { code, ...extensions } });
    expect(harness.upstream.calls.map((call) => call.id).sort()).toEqual([HEALTHY, BROKEN].sort());
  });

  it.each([
    { kind: 'status', status: 400, message: 'PROVIDER-TEXT-400' },
    { kind: 'status', status: 402, message: 'PROVIDER-TEXT-402' },
    { kind: 'status', status: 500, message: 'PROVIDER-TEXT-500' },
    { kind: 'business-error', code: 10_001, message: 'PROVIDER-TEXT-BUSINESS' },
  ] as const)("never passes the provider's text ($message) on to a client", async (fault) => {
    harness.upstream.setFault(BROKEN, fault);

    const result = await harness.execute(BrokenAndHealthyDocument, { brokenId: BROKEN, healthyId: HEALTHY });
    const again = await harness.execute(BrokenAndHealthyDocument, { brokenId: BROKEN, healthyId: HEALTHY });
    const ready = await (await harness.gateway.fetch('http://gateway.test/ready')).text();

    expect(result.errors?.[0]?.extensions?.code).toMatch(/^UPSTREAM_/);
    for (const text of [JSON.stringify(result), JSON.stringify(again), ready]) {
      expect(text).not.toContain('PROVIDER-TEXT');
      expect(text).not.toContain('upstreamMessage');
      expect(text).not.toContain('upstreamCode');
    }
  });

  it('decodes an answer with no cover, no lower categories and unknown interest shapes', async () => {
    harness.upstream.setFault(BROKEN, {
      kind: 'raw',
      status: 200,
      body: {
        code: 0,
        message: 'success',
        data: {
          info: {
            url_title: 'Beauty',
            cover_url: null,
            first_ecom_category: { id: '601450', label: 'category_601450', value: 'Beauty & Personal Care' },
            audience_interests: [
              'Makeup',
              { interest_name: 'Skincare', weight: 0.4 },
              { unexpected: true },
              7,
            ],
          },
        },
      },
    });

    const result = await harness.executeText(`{
      categoryInsight(id: "${BROKEN}") {
        title coverUrl hashtags audienceAges { ageRange } audienceInterests { name score }
        category { id name level parent { id } } categoryPath { id }
        posts { totalCount }
      }
    }`);

    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({
      categoryInsight: {
        title: 'Beauty',
        coverUrl: null,
        hashtags: [],
        audienceAges: [],
        audienceInterests: [
          { name: 'Makeup', score: null },
          { name: 'Skincare', score: 0.4 },
        ],
        category: { id: '601450', name: 'Beauty & Personal Care', level: 1, parent: null },
        categoryPath: [{ id: '601450' }],
        posts: { totalCount: 0 },
      },
    });
  });

  it('answers with HTTP 200 and partial data when a field fails', async () => {
    harness.upstream.setFault(BROKEN, { kind: 'status', status: 500 });

    const result = await harness.executeText(
      `{ broken: categoryInsight(id: "${BROKEN}") { id } ok: categoryInsight(id: "${HEALTHY}") { id } }`,
    );

    expect(result.status).toBe(200);
    expect(result.body.data).toEqual({ broken: null, ok: { id: `${HEALTHY}:all_regions:1` } });
  });

  it('nulls only the failing item of a list', async () => {
    harness.upstream.setFault(BROKEN, { kind: 'status', status: 429 });

    const result = await harness.executeText(
      `{ categoryInsights(ids: ["${HEALTHY}", "${BROKEN}", "601590"]) { categoryId } }`,
    );

    expect(result.body.data).toEqual({
      categoryInsights: [{ categoryId: HEALTHY }, null, { categoryId: '601590' }],
    });
    expect(result.body.errors).toEqual([
      expect.objectContaining({
        path: ['categoryInsights', 1],
        extensions: expect.objectContaining({ code: 'UPSTREAM_RATE_LIMITED' }),
      }),
    ]);
  });

  it('refuses a key the provider rejects with UPSTREAM_UNAUTHORIZED', async () => {
    const wrongKey = await import('./helpers/test-gateway.js').then(({ startTestGateway }) =>
      startTestGateway({ env: { KEYAPI_API_KEY: 'sk_live_wrong', KEYAPI_RETRY_MAX_ATTEMPTS: '1' } }),
    );
    try {
      const result = await wrongKey.execute(BrokenAndHealthyDocument, {
        brokenId: BROKEN,
        healthyId: HEALTHY,
      });
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual([
        'UPSTREAM_UNAUTHORIZED',
        'UPSTREAM_UNAUTHORIZED',
      ]);
    } finally {
      await wrongKey.close();
    }
  });
});
