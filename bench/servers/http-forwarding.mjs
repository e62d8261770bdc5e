// The floor for any server on the cold path: node:http reads the request, fetches the insight
// from the same stand-in with undici, and answers with part of it as JSON. No GraphQL at all:
// what one extra HTTP hop costs on this machine.
import { createServer } from 'node:http';
import { announce, fetchInsight } from './forwarded-insights.mjs';

const server = createServer(async (request, response) => {
  let body = '';
  for await (const chunk of request) body += chunk;
  const { variables } = JSON.parse(body);
  const insight = await fetchInsight({
    categoryId: variables.id,
    region: variables.region,
    timeScope: variables.timeScope,
  });
  const text = JSON.stringify({ data: { categoryInsight: { id: insight.id, hashtags: insight.hashtags } } });
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
});
server.listen(0, '127.0.0.1', () => announce(server));
