import type { RedisClient } from '../../redis/connection.js';
import type { SharedBooks } from './credit-ledger.js';

const BOOK_SCRIPT = `
local changed = false
local function settle(key, own, carried)
  if redis.call('HEXISTS', key, ARGV[1]) == 0 then
    if own > 0 then
      redis.call('HSET', key, ARGV[1], own)
      changed = true
    end
  elseif carried ~= 0 then
    redis.call('HINCRBY', key, ARGV[1], carried)
    changed = true
  end
end
local function total(key)
  local sum = 0
  for _, value in ipairs(redis.call('HVALS', key)) do sum = sum + tonumber(value) end
  return sum
end
settle(KEYS[1], tonumber(ARGV[2]), tonumber(ARGV[4]))
settle(KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[5]))
local client = total(KEYS[1])
local global = total(KEYS[2])
local credits = tonumber(ARGV[6])
local refused = 0
if credits > 0 and client + credits > tonumber(ARGV[7]) then
  refused = 1
elseif credits > 0 and global + credits > tonumber(ARGV[8]) then
  refused = 2
elseif credits ~= 0 then
  redis.call('HINCRBY', KEYS[1], ARGV[1], credits)
  redis.call('HINCRBY', KEYS[2], ARGV[1], credits)
  client = client + credits
  global = global + credits
  changed = true
end
if changed then
  redis.call('PEXPIRE', KEYS[1], ARGV[9])
  redis.call('PEXPIRE', KEYS[2], ARGV[9])
end
return {refused, client, global}`;

/** Two days, so a counter outlives its own day wherever the instances' clocks disagree. */
const KEEP_MS = 2 * 86_400_000;

/**
 * Books in Redis: per day, a hash per client and one for all, with a field per instance. An
 * instance re-asserts its own field when Redis lost it, and adds what it spent while Redis was
 * away; the totals are the sums. The day in braces keeps both keys in one cluster slot.
 */
export function createRedisBooks(redis: RedisClient, instanceId: string): SharedBooks {
  return {
    async book(day, clientId, own, credits, caps) {
      const [refused, client, global] = (await redis.eval(
        BOOK_SCRIPT,
        2,
        `credits:{${day}}:client:${clientId}`,
        `credits:{${day}}:global`,
        instanceId,
        own.client,
        own.global,
        own.unbookedClient,
        own.unbookedGlobal,
        credits,
        caps.perClient,
        caps.global,
        KEEP_MS,
      )) as [0 | 1 | 2, number, number];
      return { refused, client, global };
    },
  };
}
