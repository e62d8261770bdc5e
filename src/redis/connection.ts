import { Cluster, type Command, Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/** The client every shared store takes: one node (or Sentinel's master), or a cluster. */
export type RedisClient = Redis | Cluster;

export interface HostPort {
  host: string;
  port: number;
}

/** How to reach Redis: one node by URL, a cluster through any of its nodes, or Sentinel's master. */
export type RedisTopology =
  | { kind: 'standalone'; url: string }
  | { kind: 'cluster'; nodes: readonly HostPort[] }
  | { kind: 'sentinel'; sentinels: readonly HostPort[]; name: string };

export interface RedisOptions {
  topology: RedisTopology;
  /** Password of the nodes that hold data (a cluster's, Sentinel's master); a URL carries its own. */
  password?: string;
  /** Prefix of every key this gateway writes, so deployments (and tests) can share a server. */
  keyPrefix: string;
  /** A command slower than this fails, and the caller takes the in-memory path. */
  commandTimeoutMs: number;
}

// Named, so `CLIENT LIST` tells an operator which connections are the gateway's.
const CONNECTION_NAME = 'tiktok-insights-gateway';
const SUBSCRIBER_NAME = `${CONNECTION_NAME}:fleet`;
const CONNECT_TIMEOUT_MS = 2_000;
const reconnectDelay = (attempt: number) => Math.min(attempt * 200, 2_000);

/**
 * A client that fails fast instead of queueing while Redis is away: every caller has an
 * in-memory fallback, and a query must never wait on a dead Redis. Only while it first
 * connects do commands wait (up to the command timeout), so a fresh instance does not skip
 * the shared cache for its first requests.
 */
export function createRedis(options: RedisOptions): RedisClient {
  return options.topology.kind === 'cluster'
    ? createCluster(options.topology.nodes, options)
    : createNode(options.topology, options);
}

/** How each connection to a Redis node behaves, whatever the topology. */
function nodeOptions(password: string | undefined, commandTimeoutMs: number) {
  return {
    connectionName: CONNECTION_NAME,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    ...(password !== undefined && { password }),
  };
}

function createNode(
  topology: Exclude<RedisTopology, { kind: 'cluster' }>,
  { password, keyPrefix, commandTimeoutMs }: RedisOptions,
): Redis {
  const common = {
    ...nodeOptions(password, commandTimeoutMs),
    keyPrefix,
    enableOfflineQueue: true,
    retryStrategy: reconnectDelay,
  };
  const redis =
    topology.kind === 'standalone'
      ? new Redis(topology.url, common)
      : new Redis({
          ...common,
          sentinels: topology.sentinels.map(({ host, port }) => ({ host, port })),
          name: topology.name,
          sentinelCommandTimeout: CONNECT_TIMEOUT_MS,
          // A master demoted by a failover refuses writes on connections still open to it:
          // reconnecting asks the sentinels for the new one.
          reconnectOnError: (error) => error.message.startsWith('READONLY'),
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

/**
 * ioredis times a cluster's command only once it reaches a node; this times it from the start,
 * so neither the cluster's offline queue nor its redirections and failover retries outlast the
 * command timeout.
 */
class TimedCluster extends Cluster {
  override sendCommand(...args: Parameters<Cluster['sendCommand']>): unknown {
    const timeoutMs = this.options.redisOptions?.commandTimeout;
    if (timeoutMs !== undefined) args[0].setTimeout(timeoutMs);
    return super.sendCommand(...args);
  }
}

function createCluster(
  nodes: readonly HostPort[],
  { password, keyPrefix, commandTimeoutMs }: RedisOptions,
): Cluster {
  const cluster = new TimedCluster(
    nodes.map(({ host, port }) => ({ host, port })),
    {
      // Where the cluster applies it: keys are prefixed before their slot is computed.
      keyPrefix,
      scaleReads: 'master',
      enableOfflineQueue: true,
      clusterRetryStrategy: reconnectDelay,
      redisOptions: nodeOptions(password, commandTimeoutMs),
    },
  );
  const failFast = () => {
    cluster.options.enableOfflineQueue = false;
  };
  // Without its offline queue the cluster refuses commands for a master whose connection is
  // still opening: so masters are connected before it goes, and as soon as a new one appears.
  cluster.once('ready', () => {
    void Promise.allSettled(cluster.nodes('master').map((node) => node.ping())).then(failFast);
  });
  cluster.on('+node', (node: Redis) => {
    if (!node.options.readOnly && node.status === 'wait') node.connect().catch(() => {});
  });
  cluster.on('error', failFast);
  return cluster;
}

/**
 * A connection for pub/sub alone, to the same deployment: it queues its SUBSCRIBE until it is
 * connected and never times it out, since a subscription waits for messages, not for answers.
 */
export function subscriberOf(redis: RedisClient): RedisClient {
  if (redis instanceof Cluster) {
    return redis.duplicate([], {
      enableOfflineQueue: true,
      redisOptions: {
        ...redis.options.redisOptions,
        commandTimeout: undefined,
        connectionName: SUBSCRIBER_NAME,
      },
    });
  }
  return redis.duplicate({
    enableOfflineQueue: true,
    commandTimeout: undefined,
    connectionName: SUBSCRIBER_NAME,
  });
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
export function watchRedis(redis: RedisClient, logger: Logger): RedisHealth {
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
    ping = setInterval(() => answers(redis).then(back, () => {}), PING_WHILE_LOST_MS).unref();
  };
  redis.on('ready', back);
  redis.on('close', () => lost(new Error('connection closed')));
  if (redis instanceof Cluster) {
    // A cluster stays `ready` while a master is gone: lost when the connection to a node that
    // still serves slots ends (a node dropped from the slot map ends its connection too).
    redis.on('-node', (node: Redis) => {
      const key = `${node.options.host}:${node.options.port}`;
      if (redis.slots.some((keys) => keys?.[0] === key)) lost(new Error(`cluster node ${key} is gone`));
    });
  }
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

/**
 * While Redis is lost yet its connection stands (a hung node, a cluster's dead master), every
 * command but the health check's PING fails at once: a miss makes several commands in a row, and
 * each would otherwise wait out the command timeout. A connection being re-made runs its own
 * commands (the ready check), and without it commands fail at once anyway.
 */
export function skipWhileLost(redis: RedisClient, health: RedisHealth): void {
  const send = redis.sendCommand.bind(redis) as (command: Command, ...rest: unknown[]) => unknown;
  const skipping = (command: Command, ...rest: unknown[]) => {
    const skip = health.state() === 'lost' && redis.status === 'ready' && command.name !== 'ping';
    if (!skip) return send(command, ...rest);
    command.reject(new Error('Redis is unavailable: skipped until it answers again'));
    return command.promise;
  };
  redis.sendCommand = skipping as typeof redis.sendCommand;
}

/** Resolves when Redis answers: for a cluster, every master of the slot map, each seeing the cluster ok. */
async function answers(redis: RedisClient): Promise<void> {
  if (!(redis instanceof Cluster)) {
    await redis.ping();
    return;
  }
  await new Promise<void>((resolve, reject) =>
    redis.refreshSlotsCache((error) => (error ? reject(error) : resolve())),
  );
  const masters = redis.nodes('master');
  if (masters.length === 0) throw new Error('no cluster master');
  const states = await Promise.all(masters.map((node) => node.cluster('INFO')));
  if (!states.every((info) => /^cluster_state:ok\b/m.test(String(info)))) throw new Error('cluster not ok');
}
