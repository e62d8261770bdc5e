import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import codegenConfig from '../codegen.js';

// Its own file, so its own process: building the Pothos schema gives graphql's shared built-in
// scalars an AST, and codegen would then print their descriptions where the CLI does not.
describe('typed client documents', () => {
  it.each(Object.keys(codegenConfig.generates))(
    'in %s are up to date with schema.graphql and the operations (run `npm run codegen` after a change)',
    async (committed) => {
      const fresh = join(mkdtempSync(join(tmpdir(), 'codegen-')), 'gql/');
      const target = codegenConfig.generates[committed];
      if (!target) throw new Error(`codegen.ts no longer generates ${committed}`);
      await generate({ ...codegenConfig, generates: { [fresh]: target }, silent: true }, true);

      const files = readdirSync(committed).sort();
      expect(readdirSync(fresh).sort()).toEqual(files);
      for (const file of files) {
        expect(readFileSync(join(committed, file), 'utf8'), file).toBe(
          readFileSync(join(fresh, file), 'utf8'),
        );
      }
    },
  );
});
