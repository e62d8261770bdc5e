import { describe, expect, it } from 'vitest';
import { useTestGateway } from './helpers/test-gateway.js';

const QUERY = '{ categoryInsight(id: "601583") { id } }';

describe('gateway tokens', () => {
  const harness = useTestGateway({ env: { GATEWAY_TOKENS: 'dashboard:dashboard-token-0123456789' } });

  it.each([
    ['no token', {}, 'A gateway token is required'],
    ['an unknown token', { authorization: 'Bearer someone-elses-token-000' }, 'Unknown gateway token'],
    ['a token of another scheme', { authorization: 'Basic ZGFzaGJvYXJk' }, 'A gateway token is required'],
  ])('refuses %s with 401 and no upstream call', async (_what, headers, message) => {
    const result = await harness.executeText(QUERY, undefined, headers);

    expect(result.status).toBe(401);
    expect(result.body.errors).toEqual([
      expect.objectContaining({ message, extensions: { code: 'UNAUTHENTICATED' } }),
    ]);
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('answers a request with a known token', async () => {
    const result = await harness.executeText(QUERY, undefined, {
      authorization: 'Bearer dashboard-token-0123456789',
    });

    expect(result.status).toBe(200);
    expect(result.body.data).toEqual({ categoryInsight: { id: '601583:all_regions:1' } });
  });

  it('still serves GraphiQL, /health and /ready without a token', async () => {
    const page = await harness.gateway.fetch('http://gateway.test/graphql', {
      headers: { accept: 'text/html' },
    });
    const health = await harness.gateway.fetch('http://gateway.test/health');
    const ready = await harness.gateway.fetch('http://gateway.test/ready');

    expect([page.status, health.status, ready.status]).toEqual([200, 200, 200]);
    expect(await page.text()).toContain('GraphiQL');
  });
});

describe('CSRF prevention', () => {
  const harness = useTestGateway();

  it('refuses a GET query without a preflight header, with 403 and no upstream call', async () => {
    const response = await harness.gateway.fetch(
      `http://gateway.test/graphql?query=${encodeURIComponent(QUERY)}`,
      {
        headers: { accept: 'application/json' },
      },
    );

    expect(response.status).toBe(403);
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it('refuses a form-encoded POST, which a foreign page could send', async () => {
    const response = await harness.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `query=${encodeURIComponent(QUERY)}`,
    });

    expect(response.status).toBe(403);
    expect(harness.upstream.calls).toHaveLength(0);
  });

  it.each(['x-graphql-yoga-csrf', 'apollo-require-preflight', 'x-apollo-operation-name'])(
    'accepts a GET carrying %s',
    async (header) => {
      const response = await harness.gateway.fetch(
        `http://gateway.test/graphql?query=${encodeURIComponent(QUERY)}`,
        {
          headers: { accept: 'application/json', [header]: '1' },
        },
      );

      expect(response.status).toBe(200);
      expect((await response.json()).data).toEqual({ categoryInsight: { id: '601583:all_regions:1' } });
    },
  );
});
