import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

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
 * would in a client app. `operations/` holds what a dashboard sends (and, hashed, the trusted
 * documents); `test/operations/` the tests' own, some deliberately odd. Each is generated once.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  // NodeNext resolution needs explicit extensions in the generated imports.
  emitLegacyCommonJSImports: false,
  generates: {
    'operations/gql/': {
      ...typedDocuments,
      documents: ['operations/*.graphql'],
      // Normalized client caches need __typename, and a trusted document must be exactly what is sent.
      documentTransforms: [addTypenameSelectionDocumentTransform],
      // persisted-documents.json: the manifest TRUSTED_DOCUMENTS_FILE runs the gateway on. SHA-256,
      // so the hashes travel in APQ's `extensions.persistedQuery.sha256Hash`.
      presetConfig: { ...typedDocuments.presetConfig, persistedDocuments: { hashAlgorithm: 'sha256' } },
    },
    'test/gql/': { ...typedDocuments, documents: ['test/operations/**/*.graphql'] },
  },
};

export default config;
