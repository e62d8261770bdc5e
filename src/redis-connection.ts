import { Redis } from 'ioredis';

export interface RedisOptions {
  url: string;
  /** Prefix of every key this gateway writes, so deployments (and tests) can share a server. */
  keyPrefix: string;
  /** A command slower than this fails, and the caller takes the in-memory path. */
  commandTimeoutMs: number;
}

/**
 * A client that fails fast instead of queueing while Redis is away: every caller has an
 * in-memory fallback, and a query must never wait on a dead Redis. Only while it first
 * connects do commands wait (up to the command timeout), so a fresh instance does not skip
 * the shared cache for its first requests.
 */
export function createRedis({ url, keyPrefix, commandTimeoutMs }: RedisOptions): Redis {
  const redis = new Redis(url, {
    keyPrefix,
    // Named, so `CLIENT LIST` tells an operator which connections are the gateway's.
    connectionName: 'tiktok-insights-gateway',
    commandTimeout: commandTimeoutMs,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  const failFast = () => {
    redis.options.enableOfflineQueue = false;
  };
  redis.once('ready', failFast);
  // Connection errors surface through commands (and the degradation warning); without a
  // listener ioredis would print each one.
  redis.on('error', failFast);
  return redis;
}
