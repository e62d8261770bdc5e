import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

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

export interface RedisHealth {
  /** `connecting` until the first connection; `lost` from a failure until Redis answers again. */
  state(): 'connecting' | 'up' | 'lost';
  /** A command failed: the gateway carries on in memory, and says so once. */
  lost(error: unknown): void;
  /** Runs each time Redis is back after a loss. */
  onBack(listener: () => void): void;
  stop(): void;
}

/** How often a lost Redis is pinged, so its return is noticed even when no command would tell. */
const PING_WHILE_LOST_MS = 1_000;

/**
 * Tracks whether Redis answers, and tells operators once per transition: `warn` when it is lost
 * (a dropped connection or a failed command), `info` when it is back.
 */
export function watchRedis(redis: Redis, logger: Logger): RedisHealth {
  let state: 'connecting' | 'up' | 'lost' = 'connecting';
  let stopped = false;
  let ping: NodeJS.Timeout | undefined;
  const listeners: Array<() => void> = [];
  const back = () => {
    const was = state;
    state = 'up';
    if (was !== 'lost') return;
    clearInterval(ping);
    logger.info('Redis is back; the shared path resumes');
    for (const listener of listeners) listener();
  };
  const lost = (error: unknown) => {
    if (state === 'lost' || stopped) return;
    state = 'lost';
    logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'Redis unavailable; continuing on the in-memory path',
    );
    ping = setInterval(() => redis.ping().then(back, () => {}), PING_WHILE_LOST_MS).unref();
  };
  redis.on('ready', back);
  redis.on('close', () => lost(new Error('connection closed')));
  return {
    state: () => state,
    lost,
    onBack: (listener) => void listeners.push(listener),
    stop: () => {
      stopped = true;
      clearInterval(ping);
    },
  };
}
