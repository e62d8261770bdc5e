// The floor on a miss: node:http reads the request, makes the same single undici request to
// the stand-in, and answers with the insight's JSON. No GraphQL, no decoding, no mapping: what
// any server in front of KeyAPI pays for one HTTP hop and one upstream call on this machine.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = new URL(process.env.UPSTREAM_URL);
const pool = new Pool(upstream.origin, { connections: 64 });

const server = createServer(async (request, response) => {
  let text = '';
  for await (const chunk of request) text += chunk;
  const { variables } = JSON.parse(text);
  const query = new URLSearchParams({
    time_scope: variables.timeScope,
    region: variables.region,
    id: variables.id,
  });
  const answer = await pool.request({
    method: 'GET',
    path: `/v1/tiktok/insights/product/detail?${query}`,
    headers: { authorization: 'Bearer bench-key', accept: 'application/json' },
  });
  const envelope = await answer.body.json();
  const body = JSON.stringify({ data: { categoryInsight: envelope.data.info } });
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
