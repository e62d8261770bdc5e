import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build for yoga and Pothos; without this, vite would hand our
    // modules the .mjs build, and two GraphQLError classes would break `instanceof`.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 15_000,
    // Test files each start their own stand-in upstream on an ephemeral port, so they can run in parallel.
    pool: 'forks',
  },
});
