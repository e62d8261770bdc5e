// The floor for any GraphQL server on the cold path: graphql-js's own execute over node:http,
// with the same schema and the same forwarded insights as plain yoga, and nothing else: the
// document is parsed and validated once per query text, the result written as it comes.
import { createServer } from 'node:http';
import { execute, parse, validate } from 'graphql';
import { schema } from '../../dist/schema/index.js';
import { announce, insights, readJson, sendJson } from './forwarded-insights.mjs';

const documents = new Map();
const server = createServer(async (request, response) => {
  const params = await readJson(request);
  let document = documents.get(params.query);
  if (!document) {
    document = parse(params.query);
    const errors = validate(schema, document);
    if (errors.length > 0) throw errors[0];
    documents.set(params.query, document);
  }
  const result = await execute({
    schema,
    document,
    variableValues: params.variables,
    operationName: params.operationName,
    contextValue: { insights },
  });
  sendJson(response, result);
});
server.listen(0, '127.0.0.1', () => announce(server));
