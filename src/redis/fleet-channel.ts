import { randomUUID } from 'node:crypto';
import { type RedisClient, subscriberOf } from './connection.js';

/** What one instance learns that every other should act on at once. */
export type FleetMessage =
  | { type: 'breaker'; transition: 'opened' | 'paused'; ms: number }
  | { type: 'breaker'; transition: 'closed' }
  | { type: 'key-circuit'; key: string; openMs: number }
  | { type: 'released'; id: string };

/**
 * One Redis pub/sub channel per deployment, on a connection of its own (a subscribed connection
 * can run nothing else). Messages are hints: an instance that misses one, because Redis was away,
 * still acts on what it sees itself, and reads the shared state back when it subscribes again.
 */
export interface FleetChannel {
  /** Tells every other instance; never throws. */
  publish(message: FleetMessage): void;
  /** Runs for each message another instance published. */
  onMessage(listener: (message: FleetMessage) => void): void;
  /** Runs each time the subscription starts, so what was missed meanwhile can be read back. */
  onSubscribed(listener: () => void): void;
  close(): void;
}

export function createFleetChannel(
  redis: RedisClient,
  keyPrefix: string,
  onError: (error: unknown) => void,
): FleetChannel {
  // Pub/sub channels are not keys: ioredis does not prefix them, so deployments are kept apart here.
  const channel = `${keyPrefix}fleet`;
  const self = randomUUID();
  const listeners: Array<(message: FleetMessage) => void> = [];
  const subscribedListeners: Array<() => void> = [];
  const subscriber = subscriberOf(redis);
  // Losses surface through the main connection's commands; this one just reconnects and resubscribes.
  subscriber.on('error', () => {});
  subscriber.on('message', (from: string, text: string) => {
    const message = from === channel ? parse(text, self) : undefined;
    if (message) for (const listener of listeners) listener(message);
  });
  const subscribed = () => {
    for (const listener of subscribedListeners) listener();
  };
  subscriber.subscribe(channel).then(() => {
    subscribed();
    // ioredis subscribes again on every reconnection, before it is ready.
    subscriber.on('ready', subscribed);
  }, onError);
  return {
    publish: (message) =>
      void redis.publish(channel, JSON.stringify({ ...message, from: self })).catch(onError),
    onMessage: (listener) => void listeners.push(listener),
    onSubscribed: (listener) => void subscribedListeners.push(listener),
    close: () => subscriber.disconnect(),
  };
}

/** Another instance's message, or undefined for our own and for anything malformed. */
function parse(text: string, self: string): FleetMessage | undefined {
  let value: {
    from?: unknown;
    type?: unknown;
    transition?: unknown;
    ms?: unknown;
    id?: unknown;
    key?: unknown;
    openMs?: unknown;
  };
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || value.from === self) return undefined;
  if (value.type === 'released' && typeof value.id === 'string') return { type: 'released', id: value.id };
  if (value.type === 'key-circuit') {
    const { key, openMs } = value;
    const valid = typeof key === 'string' && typeof openMs === 'number' && openMs >= 0 && openMs < 86_400_000;
    return valid ? { type: 'key-circuit', key, openMs } : undefined;
  }
  if (value.type !== 'breaker') return undefined;
  if (value.transition === 'closed') return { type: 'breaker', transition: 'closed' };
  const timed = value.transition === 'opened' || value.transition === 'paused';
  return timed && typeof value.ms === 'number' && value.ms > 0
    ? { type: 'breaker', transition: value.transition as 'opened' | 'paused', ms: value.ms }
    : undefined;
}
