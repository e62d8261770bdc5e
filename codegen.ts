import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the operations the tests send. A schema change that breaks one of them
 * fails `npm run typecheck`, as it would in a client app.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  // NodeNext resolution needs explicit extensions in the generated imports.
  emitLegacyCommonJSImports: false,
  documents: ['test/operations/**/*.graphql'],
  generates: {
    'test/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { Region: 'string', TimeScope: 'string', DateTime: 'string' },
      },
    },
  },
};

export default config;
