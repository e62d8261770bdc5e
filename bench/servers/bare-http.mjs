// The ceiling: node:http answering every request with the same bytes, doing nothing else.
import { createServer } from 'node:http';

const body = Buffer.from(process.env.RESPONSE_BODY ?? '{}');
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, {
      'content-type': 'application/graphql-response+json; charset=utf-8',
      'content-length': body.length,
    });
    response.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
