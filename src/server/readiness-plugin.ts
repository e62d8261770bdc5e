import type { Plugin } from 'graphql-yoga';
import type { BreakerState } from '../upstream/circuit-breaker.js';

/**
 * `/ready`: 200 while upstream calls can go out, 503 with the reason while a 402 has paused
 * them or the circuit breaker is open, so a load balancer can tell.
 */
export function useReadiness(upstreamState: () => BreakerState): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== '/ready') return;
      const state = upstreamState();
      const ready = state.state === 'closed' || state.state === 'half-open';
      endResponse(
        fetchAPI.Response.json(
          ready
            ? { status: 'ready', upstream: state.state }
            : { status: 'not ready', upstream: state.state, reason: state.reason, until: state.until },
          { status: ready ? 200 : 503 },
        ),
      );
    },
  };
}
