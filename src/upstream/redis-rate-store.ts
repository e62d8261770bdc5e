import type { Redis } from 'ioredis';
import type { TakeToken, TokenBucketOptions } from './rate-limiter.js';

// The same arithmetic as the memory bucket, atomic in Redis, on Redis's clock so instances
// with skewed clocks still agree.
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1]) / 1000
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
return wait`;

/** The provider's QPS limit is per key, so every instance draws from one bucket. */
export function createRedisTakeToken(
  redis: Redis,
  { qps, burst }: TokenBucketOptions,
  fallback: TakeToken,
  onError: (error: unknown) => void,
): TakeToken {
  return async () => {
    try {
      return Number(await redis.eval(TAKE_SCRIPT, 1, 'ratelimit:upstream', qps, burst));
    } catch (error) {
      onError(error);
      return fallback();
    }
  };
}
