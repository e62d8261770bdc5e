import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 15_000,
    // Test files each start their own stand-in upstream on an ephemeral port, so they can run in parallel.
    pool: 'forks',
  },
});
