import type { Clock } from '../../clock.js';
import type { Metrics } from '../../metrics.js';
import type { MetricsSource } from '../metrics-listener.js';
import type { ReadinessSources } from '../plugins/health.js';
import type { Services } from './services.js';

const REDIS_STATUS = {
  none: 'not configured',
  connecting: 'connecting',
  up: 'ok',
  lost: 'unreachable',
} as const;
const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2, paused: 3 } as const;

/** What `/ready` reads: this instance's own state, and the shared trouble it reports without failing. */
export function readinessOf(services: Services, clock: Clock, draining: () => boolean): ReadinessSources {
  return {
    draining,
    upstream: () => services.upstream.breaker.state(),
    coolingMs: () => Math.max(0, services.upstream.rateLimiter.coolingUntil() - clock.now().getTime()),
    redis: () => REDIS_STATUS[services.redisState() ?? 'none'],
  };
}

/** Prometheus text, with the gauges that are read rather than counted refreshed first. */
export function metricsSource(
  metrics: Metrics,
  readiness: ReadinessSources,
  services: Services,
): MetricsSource {
  return {
    contentType: metrics.registry.contentType,
    async text() {
      metrics.breakerState.set(BREAKER_VALUE[readiness.upstream().state]);
      metrics.openKeyCircuits.set(services.upstream.breaker.openKeys());
      metrics.redisUp.set(readiness.redis() === 'unreachable' ? 0 : 1);
      metrics.cooldownSeconds.set(readiness.coolingMs() / 1000);
      metrics.budgetLeft.set((await services.ledger.remaining('')).global);
      return metrics.registry.metrics();
    },
  };
}
