// The stock stack on the cold path: graphql-yoga with defaults and the same compiled schema,
// each insight fetched from the same in-process stand-in with undici, decoded with the same
// envelope schema. No cache, DataLoader, budgets, limits or plugins: the least a yoga server in
// front of KeyAPI does, as a baseline for the latency the gateway adds.
import { createServer } from 'node:http';
import { createYoga } from 'graphql-yoga';
import { schema } from '../../dist/schema/index.js';
import { announce, insights } from './forwarded-insights.mjs';

const server = createServer(createYoga({ schema, context: () => ({ insights }), logging: false }));
server.listen(0, '127.0.0.1', () => announce(server));
