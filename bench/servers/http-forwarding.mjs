// The floor for any server on the cold path: node:http reads the request, fetches the insight
// from the same stand-in with undici, and answers with part of it as JSON. No GraphQL at all:
// what one extra HTTP hop costs on this machine.
import { createServer } from 'node:http';
import { announce, fetchInsight, readJson, sendJson } from './forwarded-insights.mjs';

const server = createServer(async (request, response) => {
  const { variables } = await readJson(request);
  const insight = await fetchInsight({
    categoryId: variables.id,
    region: variables.region,
    timeScope: variables.timeScope,
  });
  sendJson(response, { data: { categoryInsight: { id: insight.id, hashtags: insight.hashtags } } });
});
server.listen(0, '127.0.0.1', () => announce(server));
