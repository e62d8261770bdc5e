import type { RedisOptions, RedisTopology } from '../redis/connection.js';
import { type EnvVars, isSet, type RawEnv } from './env-schema.js';

/** How to reach Redis, and how long one instance holds a key's fetch lease. */
export type RedisConfig = RedisOptions & { leaseMs: number };

const REDIS_TOPOLOGIES = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'];

/** A URL's password is a secret: echoed as `***`. */
const withoutPassword = (text: string) => text.replace(/^(\w+:\/\/[^:@/]*:)[^@/]*@/, '$1***@');

/** One way to reach Redis at most, with what that way needs. */
export function redisProblems(env: RawEnv): string[] {
  const problems: string[] = [];
  const chosen = REDIS_TOPOLOGIES.filter((name) => isSet(env[name]));
  if (chosen.length > 1) {
    const got = chosen.map((name) => `${name}=${JSON.stringify(withoutPassword(env[name] ?? ''))}`);
    problems.push(
      `${chosen.join(', ')}: set one of ${REDIS_TOPOLOGIES.join(', ')}, not several (got ${got.join(', ')})`,
    );
  }
  if (isSet(env.REDIS_SENTINELS) && !isSet(env.REDIS_SENTINEL_NAME)) {
    problems.push(
      'REDIS_SENTINEL_NAME: required with REDIS_SENTINELS: the master group name the sentinels monitor',
    );
  }
  if (isSet(env.REDIS_SENTINEL_NAME) && !isSet(env.REDIS_SENTINELS)) {
    problems.push(
      `REDIS_SENTINEL_NAME: set only with REDIS_SENTINELS (got ${JSON.stringify(env.REDIS_SENTINEL_NAME)})`,
    );
  }
  const url = env.REDIS_URL ?? '';
  if (isSet(env.REDIS_PASSWORD) && withoutPassword(url) !== url) {
    problems.push('REDIS_PASSWORD: REDIS_URL carries a password of its own; keep one of them');
  }
  // A `{}` in the prefix would hash whole keys, splitting a script's keys across slots.
  if (isSet(env.REDIS_CLUSTER_NODES) && /[{}]/.test(env.REDIS_KEY_PREFIX ?? '')) {
    problems.push(
      `REDIS_KEY_PREFIX: no { or } with REDIS_CLUSTER_NODES: the gateway's keys carry their own hash tags (got ${JSON.stringify(env.REDIS_KEY_PREFIX)})`,
    );
  }
  return problems;
}

/** The Redis section; null when no topology is set. */
export function redisConfig(vars: EnvVars): RedisConfig | null {
  const topology = redisTopology(vars);
  if (!topology) return null;
  return {
    topology,
    ...(vars.REDIS_PASSWORD !== undefined && { password: vars.REDIS_PASSWORD }),
    keyPrefix: vars.REDIS_KEY_PREFIX,
    commandTimeoutMs: vars.REDIS_COMMAND_TIMEOUT_MS,
    leaseMs: vars.REDIS_LEASE_MS,
  };
}

function redisTopology(vars: EnvVars): RedisTopology | undefined {
  if (vars.REDIS_URL) return { kind: 'standalone', url: vars.REDIS_URL };
  if (vars.REDIS_CLUSTER_NODES) return { kind: 'cluster', nodes: vars.REDIS_CLUSTER_NODES };
  if (vars.REDIS_SENTINELS && vars.REDIS_SENTINEL_NAME)
    return { kind: 'sentinel', sentinels: vars.REDIS_SENTINELS, name: vars.REDIS_SENTINEL_NAME };
  return undefined;
}
