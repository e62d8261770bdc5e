import type { RedisClient } from '../../redis/connection.js';
import {
  type CooldownOptions,
  PROBE_HOLD_MS,
  type RateStore,
  type Take,
  type TokenBucketOptions,
} from './rate-limiter.js';

// The memory store's arithmetic, atomic in Redis and on Redis's clock, so instances with skewed
// clocks still agree. Returns {kind, ms, probe}: kind 0 go, 1 wait, 2 cooling, 3 another's probe is out.
const SCRIPT = `
local op = ARGV[1]
local rate = tonumber(ARGV[2]) / 1000
local burst = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local s = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'cool', 'probe', 'strikes')
local cool = tonumber(s[3]) or 0
local probe = tonumber(s[4]) or 0
local strikes = tonumber(s[5]) or 0
local keep = math.ceil(burst / rate) + 1000
if op == 'cool' then
  -- 429s of calls that were in flight together are one strike, not one each.
  if now >= cool then strikes = strikes + 1 end
  local delay = tonumber(ARGV[4])
  if delay < 0 then delay = tonumber(ARGV[5]) * 2 ^ (strikes - 1) end
  delay = math.floor(math.min(delay, tonumber(ARGV[6])))
  cool = math.max(cool, now + delay)
  redis.call('HSET', KEYS[1], 'cool', cool, 'probe', 0, 'strikes', strikes)
  redis.call('PEXPIRE', KEYS[1], keep + (cool - now) + tonumber(ARGV[7]))
  return {2, cool - now, 0}
elseif op == 'end' then
  redis.call('HDEL', KEYS[1], 'cool', 'probe', 'strikes')
  return {0, 0, 0}
elseif op == 'release' then
  redis.call('HSET', KEYS[1], 'probe', 0)
  return {0, 0, 0}
end
if now < cool then return {2, cool - now, 0} end
if cool > 0 and now < probe then return {3, 0, 0} end
local tokens = tonumber(s[1]) or burst
local at = tonumber(s[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate)
local wait = 0
local isProbe = 0
if tokens >= 1 then
  tokens = tokens - 1
  if cool > 0 then
    isProbe = 1
    redis.call('HSET', KEYS[1], 'probe', now + tonumber(ARGV[7]))
  end
else
  wait = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
if cool == 0 then redis.call('PEXPIRE', KEYS[1], keep) end
if wait > 0 then return {1, wait, 0} end
return {0, 0, isProbe}`;

const KEY = 'ratelimit:upstream';

/**
 * The provider limits the key, not the instance, so every instance draws from one bucket and
 * honours one cool-down. On a Redis failure the instance paces itself alone, in memory.
 */
export function createRedisRateStore(
  redis: RedisClient,
  { qps, burst }: TokenBucketOptions,
  cooldown: CooldownOptions,
  fallback: RateStore,
  onError: (error: unknown) => void,
): RateStore {
  const run = async (op: string, retryAfterMs = -1) =>
    (await redis.eval(
      SCRIPT,
      1,
      KEY,
      op,
      qps,
      burst,
      retryAfterMs,
      cooldown.baseMs,
      cooldown.maxMs,
      PROBE_HOLD_MS,
    )) as [number, number, number];
  const shared = async <T>(call: () => Promise<T>, local: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      onError(error);
      return local();
    }
  };
  return {
    take: () =>
      shared(async (): Promise<Take> => {
        const [kind, ms, probe] = await run('take');
        if (kind === 1) return { kind: 'wait', ms };
        if (kind === 2) return { kind: 'cooling', ms };
        if (kind === 3) return { kind: 'probing' };
        return { kind: 'go', probe: probe === 1 };
      }, fallback.take),
    coolDown: (retryAfterMs) =>
      shared(
        async () => (await run('cool', retryAfterMs))[1],
        () => fallback.coolDown(retryAfterMs),
      ),
    endCooldown: () => shared(async () => void (await run('end')), fallback.endCooldown),
    releaseProbe: () => shared(async () => void (await run('release')), fallback.releaseProbe),
  };
}
