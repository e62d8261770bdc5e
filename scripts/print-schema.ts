import { writeFileSync } from 'node:fs';
import { printSubgraphSchema } from '@apollo/subgraph';
import { schema } from '../src/schema/index.js';

// schema.graphql is what clients, codegen and composition read; a test fails when it drifts from the
// code. printSubgraphSchema keeps `@link` and `@key`, which graphql's printSchema would drop.
writeFileSync(new URL('../schema.graphql', import.meta.url), `${printSubgraphSchema(schema)}\n`);
