import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** Browser tests: they need Debian's chromium, so they run apart from `npm test` (`npm run test:e2e`). */
export default defineConfig({
  resolve: base.resolve,
  test: {
    include: ['e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
