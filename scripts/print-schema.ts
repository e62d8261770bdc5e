import { writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { schema } from '../src/schema/index.js';

// schema.graphql is what clients and codegen read; a test fails when it drifts from the code.
writeFileSync(new URL('../schema.graphql', import.meta.url), `${printSchema(schema)}\n`);
