import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import {
  type DemoUpstream,
  type DemoUpstreamOptions,
  startDemoUpstream,
} from '../../src/demo-upstream/demo-upstream.js';
import { uniquePrefix } from './redis.js';
import {
  connectGateway,
  FIXED_NOW,
  TEST_API_KEY,
  type TestGateway,
  type TestGatewayOptions,
} from './test-gateway.js';

export interface InstancesOptions {
  /** How the instances reach Redis, read when each starts (a cluster is known only once started). */
  redisEnv: () => Record<string, string>;
  upstream?: DemoUpstreamOptions;
  /** Runs after each test with its key prefix, to delete what it wrote. */
  cleanUp?: (prefix: string) => Promise<void>;
}

/**
 * For a `describe` of several gateway instances sharing one Redis and one stand-in: each test gets
 * a key prefix of its own, a stand-in with no calls yet, and its instances closed after it.
 */
export function useGatewayInstances({ redisEnv, upstream: upstreamOptions, cleanUp }: InstancesOptions) {
  const state = { upstream: undefined as DemoUpstream | undefined, prefix: '' };
  let instances: TestGateway[] = [];
  beforeAll(async () => {
    state.upstream = await startDemoUpstream({
      apiKey: TEST_API_KEY,
      clock: () => FIXED_NOW,
      ...upstreamOptions,
    });
  });
  beforeEach(() => {
    state.upstream?.reset();
    state.prefix = uniquePrefix();
  });
  afterEach(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    instances = [];
    await cleanUp?.(state.prefix);
  });
  afterAll(() => state.upstream?.close());
  const upstream = (): DemoUpstream => {
    if (!state.upstream) throw new Error('the stand-in starts in beforeAll');
    return state.upstream;
  };
  return {
    get upstream() {
      return upstream();
    },
    get prefix() {
      return state.prefix;
    },
    /** One more instance on this test's prefix; `env` adds to or overrides the Redis settings. */
    start(env: Record<string, string> = {}, options: TestGatewayOptions = {}): TestGateway {
      const instance = connectGateway(upstream(), {
        ...options,
        env: { ...redisEnv(), REDIS_KEY_PREFIX: state.prefix, ...env },
      });
      instances.push(instance);
      return instance;
    },
  };
}
