import type { Redis } from 'ioredis';
import type { BudgetScope } from './credit-budget-error.js';

export interface DailyCaps {
  /** Credits one client may spend per UTC day. */
  perClient: number;
  /** Credits the whole deployment may spend per UTC day. */
  global: number;
}

/** Daily credit counters, per client and in all. */
export interface CreditLedger {
  /** Books `credits` for today unless that passes a cap; returns the cap that refused. */
  reserve(clientId: string, credits: number): Promise<Exclude<BudgetScope, 'operation'> | undefined>;
  remaining(clientId: string): Promise<{ client: number; global: number }>;
}

const day = (now: Date) => now.toISOString().slice(0, 10);
const DAY_MS = 86_400_000;

export function createMemoryLedger(caps: DailyCaps, clock: () => Date): CreditLedger {
  let today = '';
  let global = 0;
  const perClient = new Map<string, number>();
  const roll = () => {
    if (day(clock()) === today) return;
    today = day(clock());
    global = 0;
    perClient.clear();
  };
  return {
    async reserve(clientId, credits) {
      roll();
      const spent = perClient.get(clientId) ?? 0;
      if (spent + credits > caps.perClient) return 'client';
      if (global + credits > caps.global) return 'global';
      perClient.set(clientId, spent + credits);
      global += credits;
      return undefined;
    },
    async remaining(clientId) {
      roll();
      return { client: caps.perClient - (perClient.get(clientId) ?? 0), global: caps.global - global };
    },
  };
}

const RESERVE_SCRIPT = `
local client = tonumber(redis.call('GET', KEYS[1]) or '0')
local global = tonumber(redis.call('GET', KEYS[2]) or '0')
local credits = tonumber(ARGV[1])
if client + credits > tonumber(ARGV[2]) then return 1 end
if global + credits > tonumber(ARGV[3]) then return 2 end
redis.call('INCRBY', KEYS[1], credits)
redis.call('INCRBY', KEYS[2], credits)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 0`;

/** Counters every instance shares; on a Redis failure the instance counts alone in memory. */
export function createRedisLedger(
  redis: Redis,
  caps: DailyCaps,
  clock: () => Date,
  fallback: CreditLedger,
  onError: (error: unknown) => void,
): CreditLedger {
  const keys = (clientId: string) => [
    `credits:${day(clock())}:client:${clientId}`,
    `credits:${day(clock())}:global`,
  ];
  return {
    async reserve(clientId, credits) {
      try {
        const refused = await redis.eval(
          RESERVE_SCRIPT,
          2,
          ...keys(clientId),
          credits,
          caps.perClient,
          caps.global,
          2 * DAY_MS,
        );
        return refused === 1 ? 'client' : refused === 2 ? 'global' : undefined;
      } catch (error) {
        onError(error);
        return fallback.reserve(clientId, credits);
      }
    },
    async remaining(clientId) {
      try {
        const [client, global] = await redis.mget(...keys(clientId));
        return { client: caps.perClient - Number(client ?? 0), global: caps.global - Number(global ?? 0) };
      } catch (error) {
        onError(error);
        return fallback.remaining(clientId);
      }
    },
  };
}
