import type { Clock } from '../../clock.js';
import type { RedisClient } from '../../redis/connection.js';
import type { FleetChannel } from '../../redis/fleet-channel.js';
import type { BreakerState, BreakerTransition, CircuitBreaker } from './circuit-breaker.js';

// Kept beside the message, so an instance that starts or reconnects mid-pause learns it too.
const KEYS = { paused: 'fleet:breaker:paused', opened: 'fleet:breaker:opened' } as const;

/**
 * The 402 pause, the upstream-wide open circuit and each key's open circuit, shared: what one
 * instance learns, every instance acts on at once, instead of each paying to learn it again.
 * Without Redis each instance still judges alone.
 */
export interface FleetBreakerDeps {
  redis: RedisClient;
  fleet: FleetChannel;
  clock: Clock;
  onError: (error: unknown) => void;
}

export function shareBreaker(breaker: CircuitBreaker, { redis, fleet, clock, onError }: FleetBreakerDeps) {
  fleet.onMessage((message) => {
    if (message.type === 'breaker') breaker.adopt(message);
    if (message.type === 'key-circuit') breaker.adoptKey(message.key, message.openMs);
  });
  breaker.onKeyCircuit((key, openMs) => fleet.publish({ type: 'key-circuit', key, openMs }));
  fleet.onSubscribed(() => {
    for (const transition of ['paused', 'opened'] as const) {
      redis.pttl(KEYS[transition]).then((ms) => {
        if (ms > 0) breaker.adopt({ transition, ms });
      }, onError);
    }
  });
  /** Tells the fleet what this instance saw; `resumed` needs no telling, since a pause ends on its own. */
  return (transition: BreakerTransition, state: BreakerState) => {
    if (transition === 'closed') {
      fleet.publish({ type: 'breaker', transition });
      redis.del(KEYS.opened).catch(onError);
      return;
    }
    if (transition === 'resumed' || !('until' in state)) return;
    const ms = state.until.getTime() - clock.now().getTime();
    if (ms <= 0) return;
    fleet.publish({ type: 'breaker', transition, ms });
    redis.set(KEYS[transition], '1', 'PX', ms).catch(onError);
  };
}
