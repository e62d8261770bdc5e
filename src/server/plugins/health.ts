import type { Plugin } from 'graphql-yoga';
import type { BreakerState } from '../../upstream/resilience/circuit-breaker.js';

export interface ReadinessSources {
  /** True after SIGTERM: this instance is going away. */
  draining: () => boolean;
  upstream: () => BreakerState;
  /** How long upstream calls stay paused after a 429; 0 when they flow. */
  coolingMs: () => number;
  redis: () => 'ok' | 'connecting' | 'unreachable' | 'not configured';
}

/** What is degraded for the whole fleet, in the gateway's own words: never a reason to leave the load balancer. */
function degradations(sources: ReadinessSources): string[] {
  const reasons: string[] = [];
  const upstream = sources.upstream();
  if (upstream.state === 'paused') {
    reasons.push(
      `KeyAPI credits are exhausted: upstream calls paused until ${upstream.until.toISOString()}; cached answers are still served`,
    );
  } else if (upstream.state === 'open') {
    reasons.push(
      `KeyAPI is failing: the circuit is open until ${upstream.until.toISOString()}; cached answers are still served`,
    );
  }
  if (sources.coolingMs() > 0) {
    reasons.push('KeyAPI rate limit (429): upstream calls cool down; cached answers are still served');
  }
  if (sources.redis() === 'unreachable') {
    reasons.push('Redis is unreachable: caching, coalescing and budgets continue per instance');
  }
  return reasons;
}

/**
 * `/health`: the process answers (liveness). `/ready`: this instance can take traffic
 * (readiness): 503 only while it drains after SIGTERM. Trouble every instance shares (Redis
 * lost, a 402 pause, an open breaker, a 429 cool-down) leaves it 200 with the reasons listed:
 * taking every pod out of the Service would turn a degraded upstream into a full outage.
 */
export function useHealth(sources: ReadinessSources): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      // A cached answer would tell a probe about some other moment, or some other instance.
      const json = (body: unknown, status = 200) =>
        endResponse(fetchAPI.Response.json(body, { status, headers: { 'cache-control': 'no-store' } }));
      if (url.pathname === '/health') return json({ status: 'ok' });
      if (url.pathname !== '/ready') return;
      if (sources.draining()) return json({ status: 'draining' }, 503);
      const degraded = degradations(sources);
      return json({
        status: degraded.length > 0 ? 'degraded' : 'ready',
        upstream: sources.upstream().state,
        rateLimit: sources.coolingMs() > 0 ? 'cooling down' : 'ok',
        redis: sources.redis(),
        degraded,
      });
    },
  };
}
