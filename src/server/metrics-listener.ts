import type { RequestListener } from 'node:http';

/** Prometheus text, with the gauges that are read rather than counted refreshed first. */
export interface MetricsSource {
  readonly contentType: string;
  text(): Promise<string>;
}

/**
 * The handler of the metrics port: `GET /metrics` and nothing else. Kept off the public port,
 * so budgets and operation names are for the scraper, not for every client.
 */
export function metricsListener(source: MetricsSource): RequestListener {
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('Not found: the metrics are at /metrics\n');
      return;
    }
    source.text().then(
      (text) => response.writeHead(200, { 'content-type': source.contentType }).end(text),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics could not be collected\n'),
    );
  };
}
