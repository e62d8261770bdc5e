import type { CodegenConfig } from '@graphql-codegen/cli';

/** The same client preset for both targets: what a TypeScript client app would configure. */
const typedDocuments = {
  preset: 'client' as const,
  presetConfig: { fragmentMasking: false },
  config: {
    useTypeImports: true,
    enumsAsTypes: true,
    scalars: { Region: 'string', TimeScope: 'string', DateTime: 'string' },
  },
};

/**
 * Typed documents, so a schema change that breaks an operation fails `npm run typecheck`, as it
 * would in a client app. `operations/` holds what a dashboard sends; the tests get those plus
 * their own (`test/operations/`, some deliberately odd) in one module.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  // NodeNext resolution needs explicit extensions in the generated imports.
  emitLegacyCommonJSImports: false,
  generates: {
    'operations/gql/': { ...typedDocuments, documents: ['operations/*.graphql'] },
    'test/gql/': { ...typedDocuments, documents: ['operations/*.graphql', 'test/operations/**/*.graphql'] },
  },
};

export default config;
