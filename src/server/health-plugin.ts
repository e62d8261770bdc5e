import type { Plugin } from 'graphql-yoga';
import type { Metrics } from '../metrics.js';
import type { BreakerState } from '../upstream/circuit-breaker.js';

export interface HealthOptions {
  upstreamState: () => BreakerState;
  /** Resolves when the shared Redis answers; absent when no Redis is configured. */
  pingRedis?: () => Promise<unknown>;
  metrics: Metrics;
  /** Refreshes gauges that are read rather than counted, just before a scrape. */
  refreshGauges: () => Promise<void>;
}

const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2, paused: 3 } as const;

/**
 * `/health`: the process answers. `/ready`: it can do useful work (config loaded, Redis
 * reachable when configured, upstream not paused by a 402 or an open breaker), with the reason
 * when not. `/metrics`: Prometheus text.
 */
export function useHealth(options: HealthOptions): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      const json = (body: unknown, status = 200) => endResponse(fetchAPI.Response.json(body, { status }));
      switch (url.pathname) {
        case '/health':
          return json({ status: 'ok' });
        case '/ready': {
          const reasons: string[] = [];
          const upstream = options.upstreamState();
          if (upstream.state === 'open' || upstream.state === 'paused') {
            reasons.push(
              `upstream ${upstream.state} until ${upstream.until.toISOString()}: ${upstream.reason}`,
            );
          }
          let redis: 'ok' | 'unreachable' | 'not configured' = 'not configured';
          if (options.pingRedis) {
            redis = await options.pingRedis().then(
              () => 'ok' as const,
              () => 'unreachable' as const,
            );
            if (redis === 'unreachable') reasons.push('Redis is unreachable');
          }
          const body = {
            status: reasons.length ? 'not ready' : 'ready',
            upstream: upstream.state,
            redis,
            reasons,
          };
          return json(body, reasons.length ? 503 : 200);
        }
        case '/metrics': {
          options.metrics.breakerState.set(BREAKER_VALUE[options.upstreamState().state]);
          await options.refreshGauges();
          return endResponse(
            new fetchAPI.Response(await options.metrics.registry.metrics(), {
              headers: { 'content-type': options.metrics.registry.contentType },
            }),
          );
        }
      }
    },
  };
}
