import type { CircuitBreaker } from './circuit-breaker.js';
import type { Stage } from './guard.js';

/** Fails at once while the circuit is open for the call's key or for everyone, before any queueing. */
export function failFastWhileOpen(breaker: CircuitBreaker): Stage {
  return (next) => async (call) => {
    breaker.check(call.scope);
    return next(call);
  };
}

/** Claims the half-open probe if there is one, and has the breaker judge what the attempt met. */
export function judgedBy(breaker: CircuitBreaker): Stage {
  return (next) => async (call) => {
    breaker.admit(call.scope);
    try {
      const result = await next(call);
      breaker.onSuccess(call.scope);
      return result;
    } catch (error) {
      breaker.onFailure(call.scope, error);
      throw error;
    }
  };
}
