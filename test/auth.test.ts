import { describe, expect, it } from 'vitest';
import { startTestGateway, useTestGateway } from './helpers/test-gateway.js';

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

describe('paths a newcomer tries', () => {
  it('redirects GET / to GraphiQL when it is on, and says where GraphQL is when it is off', async () => {
    const on = await startTestGateway();
    const off = await startTestGateway({ env: { GRAPHIQL_ENABLED: 'false' } });
    try {
      const redirect = await on.gateway.fetch('http://gateway.test/', { redirect: 'manual' });
      const notFound = await off.gateway.fetch('http://gateway.test/');

      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('location')).toBe('http://gateway.test/graphql');
      expect(notFound.status).toBe(404);
      expect(await notFound.json()).toEqual({ message: 'This is a GraphQL API: POST queries to /graphql' });
    } finally {
      await on.close();
      await off.close();
    }
  });

  it('suggests field names outside production, and hides them in production', async () => {
    const development = await startTestGateway();
    const production = await startTestGateway({ env: { NODE_ENV: 'production' } });
    try {
      const typo = '{ categoryInsight(id: "601583") { titel } }';
      const suggested = await development.executeText(typo);
      const hidden = await production.executeText(typo);

      expect(suggested.body.errors?.[0]?.message).toContain('Did you mean "title"?');
      expect(hidden.body.errors?.[0]?.message).not.toContain('Did you mean');
      expect(hidden.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await development.close();
      await production.close();
    }
  });
});

describe('CSRF prevention', () => {
  const harness = useTestGateway();

  it('refuses a GET query without a preflight header, with 403, the headers to send, and no upstream call', async () => {
    const response = await harness.gateway.fetch(
      `http://gateway.test/graphql?query=${encodeURIComponent(QUERY)}`,
      {
        headers: { accept: 'application/json' },
      },
    );

    expect(response.status).toBe(403);
    expect((await response.json()).errors[0]).toMatchObject({
      message:
        'This request could come from another site: send it as a JSON POST, or add one of these headers: x-graphql-yoga-csrf: 1, apollo-require-preflight: 1, x-apollo-operation-name: 1, graphql-preflight: 1',
      extensions: { code: 'CSRF_PREFLIGHT_REQUIRED' },
    });
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
