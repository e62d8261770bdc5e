import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphiqlAssetLocation } from '../src/server/graphiql/asset-files.js';
import { type Listening, listen } from '../test/helpers/listen.js';
import { startTestGateway, type TestGateway } from '../test/helpers/test-gateway.js';

/** Debian's chromium: playwright-core never downloads a browser of its own. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = 'test-results/graphiql.png';

describe('GraphiQL in a real browser', () => {
  let harness: TestGateway;
  let http: Listening;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `No Chromium at ${CHROMIUM}. Install Debian's: sudo apt-get update && sudo apt-get install -y chromium (or set CHROMIUM_PATH to a Chromium or Chrome binary); playwright-core never downloads one.`,
      );
    }
    harness = await startTestGateway();
    http = await listen(harness.gateway);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await http?.close();
    await harness?.close();
  });

  it('runs the default query from /graphql and shows its data in the result pane, offline', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Anything not served by the gateway is refused and remembered: the page must not need it.
    const offsite: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(http.url) || url.startsWith('blob:') || url.startsWith('data:'))
        return route.continue();
      offsite.push(url);
      return route.abort();
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // GraphiQL's own files, by path, with the encoding the gateway sent each in.
    const assets = new Map<string, string | undefined>();
    page.on('response', (response) => {
      const { pathname } = new URL(response.url());
      if (pathname.startsWith('/graphiql/')) assets.set(pathname, response.headers()['content-encoding']);
    });

    await page.goto(`${http.url}/graphql`);
    await page.locator('.graphiql-execute-button').click();
    const resultPane = page.locator('.graphiql-response');
    await expect.poll(() => resultPane.innerText(), { timeout: 30_000 }).toContain('Perfume');

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    // The result editor lays text out with non-breaking spaces.
    const shown = (await resultPane.innerText()).replaceAll('\u00a0', ' ');
    expect(shown).toContain('"601583:US:7"');
    expect(shown).toContain('"Makeup & Perfume"');
    expect(shown).not.toContain('"errors"');
    expect(await page.title()).toBe('TikTok Shop Insights GraphQL');
    expect(offsite).toEqual([]);
    const version = graphiqlAssetLocation().version;
    expect(Object.fromEntries(assets)).toMatchObject({
      [`/graphiql/${version}/graphiql.js`]: 'br',
      [`/graphiql/${version}/graphiql.css`]: 'br',
      [`/graphiql/${version}/graphql.worker.js`]: 'br',
    });
    expect(pageErrors).toEqual([]);
    expect(harness.upstream.calls).toEqual([
      expect.objectContaining({ id: '601583', region: 'US', timeScope: '7' }),
    ]);
  });
});
