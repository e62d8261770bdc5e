import { Redis } from 'ioredis';
import { freePort } from './listen.js';

/** A client pointed at a port nothing listens on: every command fails at once, as in an outage. */
export async function deadRedis(): Promise<Redis> {
  const redis = new Redis({
    host: '127.0.0.1',
    port: await freePort(),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  return redis;
}
