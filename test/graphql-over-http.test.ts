import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listening, listen } from './helpers/listen.js';
import { startTestGateway, type TestGateway } from './helpers/test-gateway.js';

describe('GraphQL over HTTP', () => {
  let harness: TestGateway;
  let http: Listening;

  beforeAll(async () => {
    // The production stack: createGateway's plugins, masking and GraphiQL, on a real port.
    harness = await startTestGateway();
    http = await listen(harness.gateway);
  });
  afterAll(async () => {
    await http?.close();
    await harness?.close();
  });

  // Every audit, MUST and SHOULD alike: a notice or warning fails too.
  // CSRF prevention asks every GET for a preflight header, since a cross-site GET would spend
  // credits; the audit client sends one, as Apollo Client and urql do with the README's setup.
  const withPreflight: typeof fetch = (input, init) =>
    fetch(input, {
      ...init,
      headers: { ...Object.fromEntries(new Headers(init?.headers)), 'graphql-preflight': '1' },
    });
  const audits = serverAudits({ url: () => `${http.url}/graphql`, fetchFn: withPreflight });

  it.each(audits.map((audit) => [audit.name, audit] as const))('%s', async (_name, audit) => {
    const result = await audit.fn();

    expect(result).toEqual({ id: audit.id, name: audit.name, status: 'ok' });
  });
});
