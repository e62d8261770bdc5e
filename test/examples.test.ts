import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { RequestListener } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type Listening, listen } from './helpers/listen.js';
import { startTestGateway, type TestGateway } from './helpers/test-gateway.js';

const examplesDir = fileURLToPath(new URL('../examples/', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an example's `npm start` script with cwd = its folder, as a user who copied it would. */
async function npmStart(example: string, gatewayUrl: string): Promise<Run> {
  const cwd = `${examplesDir}${example}`;
  const manifest = JSON.parse(await readFile(`${cwd}/package.json`, 'utf8'));
  const [command, ...args] = String(manifest.scripts.start).split(' ');
  expect(command).toBe('node');
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', GATEWAY_URL: gatewayUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 12_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

interface SentRequest {
  method: string;
  hasQuery: boolean;
  hasHash: boolean;
  preflight: boolean;
}

/**
 * The gateway on a real port, recording what each request carried before yoga reads it, and one
 * run of the example against it.
 */
function useExampleRun(example: string) {
  const state = { sent: [] as SentRequest[] } as {
    harness: TestGateway;
    http: Listening;
    sent: SentRequest[];
    run: Run;
  };
  const recording: RequestListener = async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString();
    const url = new URL(request.url ?? '/', 'http://gateway.test');
    const params = body ? JSON.parse(body) : Object.fromEntries(url.searchParams);
    const extensions =
      typeof params.extensions === 'string' ? JSON.parse(params.extensions) : params.extensions;
    state.sent.push({
      method: request.method ?? '',
      hasQuery: Boolean(params.query),
      hasHash: Boolean(extensions?.persistedQuery?.sha256Hash),
      preflight: request.headers['graphql-preflight'] !== undefined,
    });
    const headers = Object.entries(request.headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, String(value)] as [string, string]],
    );
    const answer = await state.harness.gateway.fetch(url, {
      method: request.method,
      headers,
      body: body || undefined,
    });
    response.writeHead(answer.status, Object.fromEntries(answer.headers));
    response.end(Buffer.from(await answer.arrayBuffer()));
  };
  beforeAll(async () => {
    state.harness = await startTestGateway();
    state.http = await listen(recording);
    state.run = await npmStart(example, `${state.http.url}/graphql`);
  });
  afterAll(async () => {
    await state.http?.close();
    await state.harness?.close();
  });
  return state;
}

function expectInsightCardAndPartialFailure(run: Run) {
  expect(run.stderr).toBe('');
  expect(run.stdout).toContain('InsightCard title: Perfume\n');
  expect(run.stdout).toContain('InsightCard error codes: []\n');
  expect(run.stdout).toMatch(
    /categoryInsights: \[\{[^\]]*"id":"601583:all_regions:1","title":"Perfume"\},null\]\n/,
  );
  expect(run.stdout).toContain(
    "categoryInsights error codes: [ 'categoryInsights.1: UPSTREAM_BAD_REQUEST' ]\n",
  );
  expect(run.code).toBe(0);
}

describe.each([
  {
    name: 'apollo-client',
    sends: 'each document as a hash alone first, then registers it (automatic persisted queries)',
    requests: [
      { method: 'POST', hasQuery: false, hasHash: true, preflight: false },
      { method: 'POST', hasQuery: true, hasHash: true, preflight: false },
      { method: 'POST', hasQuery: false, hasHash: true, preflight: false },
      { method: 'POST', hasQuery: true, hasHash: true, preflight: false },
    ],
  },
  {
    name: 'urql',
    sends: 'its queries as GET with the graphql-preflight header, after one introspection POST',
    requests: [
      { method: 'POST', hasQuery: true, hasHash: false, preflight: false },
      { method: 'GET', hasQuery: true, hasHash: false, preflight: true },
      { method: 'GET', hasQuery: true, hasHash: false, preflight: true },
    ],
  },
])('the $name example', ({ name, sends, requests }) => {
  const example = useExampleRun(name);

  it('prints the insight card title, and a null item with UPSTREAM_BAD_REQUEST for an unknown category', () => {
    expectInsightCardAndPartialFailure(example.run);
    expect(example.harness.upstream.calls.map((call) => call.id).sort()).toEqual([
      '601583',
      '601583',
      '999999',
    ]);
  });

  it(`sends ${sends}`, () => {
    expect(example.sent).toEqual(requests);
  });
});

describe.each(['apollo-client', 'urql'])('%s example without a gateway', (example) => {
  it('exits non-zero and says which URL it could not reach', async () => {
    const url = `http://127.0.0.1:${await freePort()}/graphql`;

    const run = await npmStart(example, url);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Cannot query ${url}: fetch failed`);
    expect(run.stdout).toBe('');
  });
});
