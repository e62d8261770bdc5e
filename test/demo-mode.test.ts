import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoUpstream } from '../src/demo-upstream/demo-upstream.js';

/** Runs `npm start` as a user would, with extra environment. */
function npmStart(env: Record<string, string>): ChildProcess {
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, KEYAPI_API_KEY: '', KEYAPI_BASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so the test can stop npm and the gateway it started together.
    detached: true,
  });
  return child;
}

function stopGroup(child: ChildProcess) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function collect(child: ChildProcess): { text: () => string } {
  let text = '';
  child.stdout?.on('data', (chunk) => {
    text += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    text += chunk;
  });
  return { text: () => text };
}

async function waitFor(
  output: { text: () => string },
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = output.text().match(pattern);
    if (match) return match;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${pattern}; output so far:\n${output.text()}`);
}

describe('demo mode over real HTTP', () => {
  let child: ChildProcess;
  let output: { text: () => string };
  let baseUrl: string;

  beforeAll(async () => {
    const started = Date.now();
    child = npmStart({ PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', DEMO_UPSTREAM_LATENCY_MS: '5' });
    output = collect(child);
    const [, port] = await waitFor(output, /GraphQL at http:\/\/localhost:(\d+)\/graphql/);
    baseUrl = `http://127.0.0.1:${port}`;
    console.info(`npm start was ready in ${Date.now() - started} ms`);
  }, 30_000);

  afterAll(() => stopGroup(child));

  it('says in one line that it serves the embedded stand-in', () => {
    const lines = output
      .text()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; msg: string })
      .filter((entry) => entry.msg.startsWith('Demo mode:'));

    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe('info');
    expect(lines[0]?.msg).toMatch(
      /KEYAPI_API_KEY is not set.*stand-in at http:\/\/127\.0\.0\.1:\d+ \(synthetic data, no credits spent\)/,
    );
  });

  it('serves GraphiQL and answers a nested query', async () => {
    const page = await fetch(`${baseUrl}/graphql`, { headers: { accept: 'text/html' } });
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ categoryInsight(id: "601583", region: "us", timeScope: 30) {
          id title categoryPath { name } audienceAges { ageRange score }
          category { insight(region: "US", timeScope: "30") { id } }
          posts(first: 2) { totalCount nodes { id createdAt } }
        } }`,
      }),
    });
    const body = await response.json();

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('GraphiQL');
    expect(body.errors).toBeUndefined();
    expect(body.data.categoryInsight).toMatchObject({
      id: '601583:US:30',
      title: 'Perfume',
      categoryPath: [{ name: 'Beauty & Personal Care' }, { name: 'Makeup & Perfume' }, { name: 'Perfume' }],
      category: { insight: { id: '601583:US:30' } },
      posts: { totalCount: 50 },
    });
    expect(
      body.data.categoryInsight.audienceAges.reduce(
        (sum: number, age: { score: number }) => sum + age.score,
        0,
      ),
    ).toBe(100);
    expect(body.data.categoryInsight.posts.nodes).toHaveLength(2);
  });

  it('answers the same question the same way every time (deterministic synthetic data)', async () => {
    const ask = async () => {
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query:
            '{ categoryInsight(id: "601810", region: "DE", timeScope: 7) { hashtags audienceAges { score } } }',
        }),
      });
      return (await response.json()).data;
    };

    expect(await ask()).toEqual(await ask());
  });
});

describe('graceful shutdown', () => {
  it('finishes an in-flight request on SIGTERM, then exits 0', async () => {
    // The gateway process itself, without npm in between (npm re-raises the signal on exit).
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        KEYAPI_API_KEY: '',
        KEYAPI_BASE_URL: '',
        PORT: '0',
        METRICS_PORT: '0',
        HOST: '127.0.0.1',
        DEMO_UPSTREAM_LATENCY_MS: '400',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = collect(child);
    const [, port] = await waitFor(output, /GraphQL at http:\/\/localhost:(\d+)\/graphql/);

    const inFlight = fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ categoryInsight(id: "601583") { title } }' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGTERM');
    const response = await inFlight;
    const [code] = await once(child, 'exit');

    expect((await response.json()).data).toEqual({ categoryInsight: { title: 'Perfume' } });
    expect(code).toBe(0);
    expect(output.text()).toContain('SIGTERM received');
  }, 30_000);
});

describe('start-up with a real key', () => {
  it('names the upstream origin and both ports, never the key', async () => {
    const key = 'sk_live_STARTUP_SECRET_0123456789';
    const child = npmStart({
      KEYAPI_API_KEY: key,
      KEYAPI_BASE_URL: 'http://127.0.0.1:9/keyapi',
      NODE_ENV: 'production',
      PORT: '0',
      METRICS_PORT: '0',
      HOST: '127.0.0.1',
    });
    const output = collect(child);
    try {
      const [, port, metricsPort] = await waitFor(
        output,
        /GraphQL at http:\/\/localhost:(\d+)\/graphql, metrics at http:\/\/localhost:(\d+)\/metrics/,
      );

      expect(output.text()).toContain('Upstream: KeyAPI at http://127.0.0.1:9');
      expect(output.text()).not.toContain(key);
      expect(output.text()).not.toContain('GraphiQL in a browser');
      expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    } finally {
      stopGroup(child);
    }
  }, 30_000);

  it('refuses to start under NODE_ENV=production without a key, saying what to set', async () => {
    const child = npmStart({ NODE_ENV: 'production', PORT: '0', METRICS_PORT: '0' });
    const output = collect(child);
    const [code] = await once(child, 'exit');
    stopGroup(child);

    expect(code).not.toBe(0);
    expect(output.text()).toContain('KEYAPI_API_KEY: required under NODE_ENV=production');
    expect(output.text()).not.toContain('Demo mode');
  }, 20_000);
});

describe('start-up with a bad configuration', () => {
  it('lists every problem and exits non-zero', async () => {
    const child = npmStart({
      PORT: 'eighty',
      KEYAPI_MAX_CONCURRENCY: '-1',
      KEYAPI_BASE_URL: 'http://127.0.0.1:9',
    });
    const output = collect(child);
    const [code] = await once(child, 'exit');
    stopGroup(child);

    expect(code).not.toBe(0);
    expect(output.text()).toContain('Invalid configuration');
    expect(output.text()).toMatch(/PORT:/);
    expect(output.text()).toMatch(/KEYAPI_MAX_CONCURRENCY:/);
  }, 20_000);
});

describe('the stand-in', () => {
  it('remembers its recent calls, not every call ever made', async () => {
    const upstream = await startDemoUpstream({ callsKept: 3 });
    try {
      for (const id of ['601583', '601584', '601590', '601459', '601465', '601470', '601170']) {
        const response = await fetch(`${upstream.url}/v1/tiktok/insights/product/detail?id=${id}`, {
          headers: { authorization: 'Bearer any' },
        });
        expect(response.status).toBe(200);
        await response.text();
      }

      // 6 reached twice the limit, so the oldest 3 went; the 7th came after.
      expect(upstream.calls.map((call) => call.id)).toEqual(['601459', '601465', '601470', '601170']);
    } finally {
      await upstream.close();
    }
  });
});
