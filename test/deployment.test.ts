import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { gatewayConfig as routerConfig } from '../deploy/compose/gateway.config.js';
import { envSchema } from '../src/config/env-schema.js';
import { type DemoUpstream, startDemoUpstream } from '../src/demo-upstream/demo-upstream.js';
import { freePort } from './helpers/listen.js';
import { composeWithShop } from './supergraph/shop-subgraph.js';

const run = promisify(execFile);

const FAKE_KEY = 'sk_test_not_a_real_key';
/** main.ts's SHUTDOWN_GRACE_MS: how long in-flight requests may run after the delay. */
const DRAIN_MS = 10_000;
/** Peak RSS with a full insight cache and the image's heap flags: bench/README.md, "Memory". */
const MEASURED_PEAK_RSS_BYTES = 145e6;
const SCHEMA_VARIABLES = new Set(Object.keys(envSchema.shape));

// ---------------------------------------------------------------- Dockerfile

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions in order, continuation lines joined and comments dropped, as Docker reads them. */
function dockerInstructions(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    const continued = /\\\s*$/.test(line);
    pending += continued ? line.replace(/\\\s*$/, ' ') : line;
    if (continued) continue;
    if (pending.trim()) logical.push(pending.trim());
    pending = '';
  }
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

/** An exec-form argument list; a shell form would put /bin/sh between Docker and node. */
function execForm(args: string): string[] {
  const argv: unknown = JSON.parse(args);
  if (!Array.isArray(argv) || !argv.every((arg) => typeof arg === 'string')) {
    throw new Error(`not an exec form: ${args}`);
  }
  return argv;
}

interface ImageSpec {
  /** The global ARGs' defaults. */
  args: Record<string, string>;
  /** The runtime stage's base image, its ARG resolved. */
  base: string;
  env: Record<string, string>;
  cmd: string[];
  entrypoint: string[] | undefined;
  user: string | undefined;
  exposed: number[];
  healthcheck: { options: string; argv: string[] };
  /** What the stages COPY from the build context. */
  contextSources: string[];
}

function readDockerfile(): ImageSpec {
  const instructions = dockerInstructions(readFileSync('Dockerfile', 'utf8'));
  const firstFrom = instructions.findIndex(({ keyword }) => keyword === 'FROM');
  const args: Record<string, string> = {};
  for (const { args: text } of instructions.slice(0, firstFrom).filter(({ keyword }) => keyword === 'ARG')) {
    const [name = '', value = ''] = text.split('=');
    args[name] = value;
  }
  const lastFrom = instructions.map(({ keyword }) => keyword).lastIndexOf('FROM');
  const final = instructions.slice(lastFrom);
  const last = (keyword: string) =>
    final.filter((instruction) => instruction.keyword === keyword).at(-1)?.args;

  const env: Record<string, string> = {};
  for (const { args: text } of final.filter(({ keyword }) => keyword === 'ENV')) {
    for (const [, name = '', value = ''] of text.matchAll(/(\w+)=("[^"]*"|\S+)/g)) {
      env[name] = value.replace(/^"|"$/g, '');
    }
  }
  const healthcheck = /^(.*?)\bCMD\s+(\[.*\])$/.exec(last('HEALTHCHECK') ?? '');
  const contextSources = instructions
    .filter(({ keyword, args: text }) => keyword === 'COPY' && !text.startsWith('--from'))
    .flatMap(({ args: text }) => text.split(/\s+/).slice(0, -1));
  const baseImage = (instructions[lastFrom]?.args ?? '').split(/\s+/)[0] ?? '';
  const entrypoint = last('ENTRYPOINT');

  return {
    args,
    base: baseImage.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? ''),
    env,
    cmd: execForm(last('CMD') ?? 'null'),
    entrypoint: entrypoint === undefined ? undefined : execForm(entrypoint),
    user: last('USER'),
    exposed: final
      .filter(({ keyword }) => keyword === 'EXPOSE')
      .flatMap(({ args: text }) => text.split(/\s+/).map(Number)),
    healthcheck: { options: healthcheck?.[1]?.trim() ?? '', argv: execForm(healthcheck?.[2] ?? 'null') },
    contextSources: [...new Set(contextSources)],
  };
}

const image = readDockerfile();

/** `node` as the container's PATH finds it: here, the Node running the tests. */
function resolveArgv(argv: string[]): [string, string[]] {
  const [command = '', ...rest] = argv;
  return [command === 'node' ? process.execPath : command, rest];
}

// ---------------------------------------------------------------- the compiled gateway

function newestMtime(directory: string): number {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((newest, entry) => Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs), 0);
}

/** `npm run build`, when dist/ is missing or older than src/. */
async function buildIfStale(): Promise<void> {
  const main = 'dist/main.js';
  if (existsSync(main) && statSync(main).mtimeMs >= newestMtime('src')) return;
  await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/** Runs an argv with exactly this environment (plus PATH), and collects what it prints. */
function startProcess(argv: string[], env: Record<string, string>): Started {
  const [command, args] = resolveArgv(argv);
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk) => {
    text += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    text += chunk;
  });
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => text, exit };
}

async function waitForOutput(
  started: Started,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = started.output().match(pattern);
    if (match) return match;
    if (started.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no ${pattern} in the output:\n${started.output()}`);
}

interface RunningGateway extends Started {
  url: string;
  metricsUrl: string;
}

/** The image's CMD with the image's ENV, on loopback ports of its own choosing. */
async function startContainerCommand(upstream: DemoUpstream, env: Record<string, string> = {}) {
  const started = startProcess(image.cmd, {
    ...image.env,
    KEYAPI_API_KEY: FAKE_KEY,
    KEYAPI_BASE_URL: upstream.url,
    HOST: '127.0.0.1',
    PORT: '0',
    METRICS_PORT: '0',
    ...env,
  });
  const [, port, metricsPort] = await waitForOutput(
    started,
    /GraphQL at http:\/\/localhost:(\d+)\/graphql.*metrics at http:\/\/localhost:(\d+)\/metrics/,
  );
  return {
    ...started,
    url: `http://127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
  } satisfies RunningGateway;
}

async function perfumeTitle(gateway: RunningGateway) {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: '{ categoryInsight(id: "601583", region: "US", timeScope: 7) { title } }',
    }),
  });
  const body = (await response.json()) as { data?: { categoryInsight: { title: string } }; errors?: unknown };
  return { status: response.status, title: body.data?.categoryInsight.title, errors: body.errors };
}

// ---------------------------------------------------------------- manifests

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}

interface HttpProbe {
  httpGet: { path: string; port: string | number };
  periodSeconds?: number;
  failureThreshold?: number;
}

interface Container {
  name: string;
  image: string;
  ports: Array<{ name: string; containerPort: number }>;
  env: EnvVar[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  startupProbe?: HttpProbe;
  livenessProbe: HttpProbe;
  readinessProbe: HttpProbe;
  securityContext: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
  volumeMounts: Array<{ name: string; mountPath: string }>;
}

interface Deployment {
  metadata: { name: string };
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: {
        terminationGracePeriodSeconds: number;
        securityContext: { runAsNonRoot?: boolean; runAsUser?: number };
        containers: Container[];
        volumes: Array<{ name: string; emptyDir?: object }>;
      };
    };
  };
}

interface ComposeService {
  build?: unknown;
  image?: string;
  command?: string[];
  environment?: Record<string, string> | string[];
  env_file?: string | string[];
  ports?: string[];
  volumes?: string[];
  deploy?: { replicas?: number };
}

const k8s = (file: string) => parseYaml(readFileSync(join('deploy/kubernetes', file), 'utf8'));
const deployment = k8s('deployment.yaml') as Deployment;
const pod = deployment.spec.template;
const gatewayContainers = pod.spec.containers;
const [container] = gatewayContainers as [Container];
const compose = parseYaml(readFileSync('docker-compose.yml', 'utf8')) as {
  services: Record<string, ComposeService>;
};
/** Services that run the gateway itself: built from the Dockerfile, with the image's CMD. */
const composeGateways = Object.entries(compose.services).filter(
  ([, service]) => service.build !== undefined && service.command === undefined,
);

function composeEnvironment(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  if (!Array.isArray(environment)) return environment;
  return Object.fromEntries(environment.map((entry) => entry.split(/=(.*)/s).slice(0, 2)));
}

/** The ports the gateway listens on with these variables set (and its defaults for the rest). */
function configuredPorts(literals: Record<string, string>) {
  const parsed = envSchema.parse(literals);
  return { http: parsed.PORT, metrics: parsed.METRICS_PORT };
}

const literalEnv = (env: EnvVar[]) =>
  Object.fromEntries(env.flatMap(({ name, value }) => (value === undefined ? [] : [[name, value]])));

function containerPort(port: string | number): number | undefined {
  return typeof port === 'number' ? port : container.ports.find(({ name }) => name === port)?.containerPort;
}

/** Kubernetes quantities, as far as these manifests use them. */
function bytes(quantity: string): number {
  const [, number = '', unit = ''] = /^(\d+(?:\.\d+)?)([KMG]i?)?$/.exec(quantity) ?? [];
  const units: Record<string, number> = {
    '': 1,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
  };
  return Number(number) * (units[unit] ?? Number.NaN);
}

function cores(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

const SUPERGRAPH = 'deploy/compose/supergraph.graphql';

/** The text as `npm run lint` wants a file at that path to read. */
function biomeFormatted(path: string, text: string): string {
  const biome = spawnSync(
    process.execPath,
    ['node_modules/@biomejs/biome/bin/biome', 'format', `--stdin-file-path=${path}`],
    { input: text, encoding: 'utf8' },
  );
  if (biome.status !== 0) throw new Error(biome.stderr);
  return biome.stdout;
}

const subsetOf = (labels: Record<string, string>, of: Record<string, string>) =>
  Object.entries(labels).every(([key, value]) => of[key] === value);

// ---------------------------------------------------------------- tests

// tsc takes ~10 s on an idle machine, several times that on a busy one.
beforeAll(buildIfStale, 120_000);

describe('the container image', () => {
  it('runs node with the heap flags on dist/main.js, in exec form, as the non-root node user', () => {
    expect(image.cmd).toEqual([
      'node',
      '--max-semi-space-size=4',
      '--heap-growing-percent=50',
      'dist/main.js',
    ]);
    // The base image's docker-entrypoint.sh execs the CMD, so node is PID 1 and receives SIGTERM.
    expect(image.entrypoint).toBeUndefined();
    expect(image.env.NODE_ENV).toBe('production');
    expect(image.user).toBe('node');
    expect(image.base).toMatch(/^node:20[.-]/);
    expect(image.exposed.sort()).toEqual([4000, 9464]);
  });

  it('sends the build nothing but what it copies: no .env, no node_modules', () => {
    const lines = readFileSync('.dockerignore', 'utf8')
      .split('\n')
      .filter((line) => line.trim() && !line.startsWith('#'));

    expect(lines[0]).toBe('*');
    expect(
      lines
        .slice(1)
        .map((line) => line.replace(/^!/, ''))
        .sort(),
    ).toEqual(image.contextSources.map((source) => source.replace(/\/$/, '')).sort());
  });
});

describe("the container's command line", () => {
  let upstream: DemoUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await startDemoUpstream({ apiKey: FAKE_KEY });
    gateway = await startContainerCommand(upstream, { SHUTDOWN_DELAY_MS: '1000' });
  }, 30_000);

  afterAll(async () => {
    gateway?.child.kill('SIGKILL');
    await upstream?.close();
  });

  it('starts, answers probes, a query and a scrape, then drains on SIGTERM and exits 0', async () => {
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/ready`)).status).toBe(200);
    expect(await perfumeTitle(gateway)).toMatchObject({ status: 200, title: 'Perfume', errors: undefined });
    expect(upstream.calls.length).toBeGreaterThan(0);
    expect(new Set(upstream.calls.map((call) => call.authorization))).toEqual(
      new Set([`Bearer ${FAKE_KEY}`]),
    );
    const metrics = await fetch(`${gateway.metricsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('process_resident_memory_bytes');

    const signalled = Date.now();
    gateway.child.kill('SIGTERM');
    let ready = 200;
    while (ready === 200 && Date.now() - signalled < 1_000) {
      ready = (await fetch(`${gateway.url}/ready`)).status;
    }

    // Draining: out of the load balancer, yet alive and still answering what arrives.
    expect(ready).toBe(503);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    expect((await perfumeTitle(gateway)).title).toBe('Perfume');
    expect(await gateway.exit).toBe(0);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(1_000);
  }, 20_000);
});

describe('Kubernetes manifests and the compose file', () => {
  it('set only variables the gateway reads, with values its config schema accepts', () => {
    const deploymentEnv = gatewayContainers.flatMap((each) => each.env);
    const composeEnv = composeGateways.map(([, service]) => composeEnvironment(service));

    expect(composeGateways.map(([name]) => name)).toEqual(['insights']);
    expect(deploymentEnv.map(({ name }) => name).filter((name) => !SCHEMA_VARIABLES.has(name))).toEqual([]);
    expect(composeEnv.flatMap(Object.keys).filter((name) => !SCHEMA_VARIABLES.has(name))).toEqual([]);
    expect(envSchema.safeParse(literalEnv(deploymentEnv)).error).toBeUndefined();
    for (const environment of composeEnv) expect(envSchema.safeParse(environment).error).toBeUndefined();
  });

  it('read the KeyAPI key from a Secret or an env file, never from a value written in them', () => {
    const key = container.env.find(({ name }) => name === 'KEYAPI_API_KEY');
    const secret = k8s('secret.example.yaml') as {
      kind: string;
      metadata: { name: string };
      stringData: Record<string, string>;
    };
    const kustomization = k8s('kustomization.yaml') as { resources: string[] };

    expect(key?.value).toBeUndefined();
    expect(key?.valueFrom?.secretKeyRef).toEqual({ name: secret.metadata.name, key: 'keyapi-api-key' });
    expect(secret.kind).toBe('Secret');
    expect(secret.stringData['keyapi-api-key']).toMatch(/^REPLACE_/);
    // Applying the kustomization again must never put the placeholder back over the real key.
    expect(kustomization.resources).not.toContain('secret.example.yaml');
    for (const [, service] of composeGateways) {
      expect(composeEnvironment(service)).not.toHaveProperty('KEYAPI_API_KEY');
      expect(service.env_file).toBe('.env');
    }
    expect(readFileSync('.gitignore', 'utf8').split('\n')).toContain('.env');
  });

  it('size the pod from the measured peak RSS and give it time to drain', () => {
    const { requests, limits } = container.resources;
    const delayMs = Number(literalEnv(container.env).SHUTDOWN_DELAY_MS);

    expect(bytes(requests.memory ?? '')).toBeGreaterThanOrEqual(MEASURED_PEAK_RSS_BYTES);
    expect(bytes(limits.memory ?? '')).toBeGreaterThanOrEqual(1.5 * MEASURED_PEAK_RSS_BYTES);
    expect(cores(limits.cpu ?? '')).toBeGreaterThanOrEqual(cores(requests.cpu ?? ''));
    expect(delayMs).toBe(5_000);
    expect(pod.spec.terminationGracePeriodSeconds * 1_000).toBeGreaterThan(delayMs + DRAIN_MS);
    // Readiness fails within the delay, so no new request waits on a pod that is going away.
    const { periodSeconds = 10, failureThreshold = 3 } = container.readinessProbe;
    expect(periodSeconds * failureThreshold * 1_000).toBeLessThan(delayMs);
  });

  it('run as a non-root user on a read-only root filesystem, with an emptyDir for /tmp', () => {
    const tmp = container.volumeMounts.find(({ mountPath }) => mountPath === '/tmp');

    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(pod.spec.volumes.find(({ name }) => name === tmp?.name)?.emptyDir).toBeDefined();
  });

  it('point the Service, PodDisruptionBudget and autoscaler at the Deployment and its pods', () => {
    const service = k8s('service.yaml') as {
      spec: { selector: Record<string, string>; ports: Array<{ port: number; targetPort: string | number }> };
    };
    const pdb = k8s('poddisruptionbudget.yaml') as {
      spec: { selector: { matchLabels: Record<string, string> } };
    };
    const hpa = k8s('horizontalpodautoscaler.yaml') as {
      spec: {
        scaleTargetRef: { apiVersion: string; kind: string; name: string };
        minReplicas: number;
        metrics: Array<{ resource: { name: string } }>;
      };
    };
    const kustomization = k8s('kustomization.yaml') as {
      resources: string[];
      images: Array<{ name: string }>;
    };

    expect(subsetOf(deployment.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
    expect(subsetOf(service.spec.selector, pod.metadata.labels)).toBe(true);
    expect(service.spec.ports.map(({ port, targetPort }) => [port, containerPort(targetPort)])).toEqual([
      [4000, configuredPorts(literalEnv(container.env)).http],
    ]);
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    expect(hpa.spec.minReplicas).toBe(deployment.spec.replicas);
    expect(deployment.spec.replicas).toBe(3);
    expect(hpa.spec.metrics.map(({ resource }) => resource.name)).toEqual(['cpu']);
    expect(kustomization.images.map(({ name }) => name)).toEqual([container.image]);
    for (const file of kustomization.resources)
      expect(existsSync(join('deploy/kubernetes', file))).toBe(true);
  });

  it('run three replicas behind one published port', () => {
    const published = Object.entries(compose.services).filter(([, service]) => service.ports?.length);

    expect(composeGateways.map(([, service]) => service.deploy?.replicas)).toEqual([3]);
    expect(published.map(([name, service]) => [name, service.ports])).toEqual([['router', ['4000:4000']]]);
  });
});

describe('probes, health check and scrape target against the running command line', () => {
  const TOKEN = 'router-test-token-0123456789';
  let upstream: DemoUpstream;
  let gateway: RunningGateway;
  let shop: Started;
  let shopUrl: string;

  beforeAll(async () => {
    upstream = await startDemoUpstream({ apiKey: FAKE_KEY });
    gateway = await startContainerCommand(upstream, { GATEWAY_TOKENS: `dashboard:${TOKEN}` });
    // The compose file's own command line for the shop subgraph, as the image's WORKDIR runs it.
    shop = startProcess(compose.services.shop?.command ?? [], { PORT: '0' });
    const [, port] = await waitForOutput(shop, /Shop subgraph at http:\/\/localhost:(\d+)\/graphql/);
    shopUrl = `http://127.0.0.1:${port}/graphql`;
  }, 30_000);

  afterAll(async () => {
    gateway?.child.kill('SIGKILL');
    shop?.child.kill('SIGKILL');
    await upstream?.close();
  });

  it('answers 200 on every path the Deployment probes, on the port it names', async () => {
    const ports = configuredPorts(literalEnv(container.env));
    const probes = [container.startupProbe, container.livenessProbe, container.readinessProbe];
    const targets = probes.map((probe) => ({
      path: probe?.httpGet.path,
      port: containerPort(probe?.httpGet.port ?? ''),
    }));

    expect(targets).toEqual([
      { path: '/health', port: ports.http },
      { path: '/health', port: ports.http },
      { path: '/ready', port: ports.http },
    ]);
    for (const { path } of targets) expect((await fetch(`${gateway.url}${path}`)).status).toBe(200);
  });

  it('is scraped where the Prometheus annotations and the named metrics port say', async () => {
    const { annotations } = pod.metadata;
    const ports = configuredPorts(literalEnv(container.env));
    const scrape = await fetch(`${gateway.metricsUrl}${annotations['prometheus.io/path']}`);

    expect(annotations['prometheus.io/scrape']).toBe('true');
    expect(Number(annotations['prometheus.io/port'])).toBe(ports.metrics);
    expect(containerPort('metrics')).toBe(ports.metrics);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it("passes the image's HEALTHCHECK, and fails it where nothing listens", async () => {
    const check = async (port: string) => {
      const [command, args] = resolveArgv(image.healthcheck.argv);
      return run(command, args, { env: { ...image.env, PORT: port }, timeout: 5_000 }).then(
        () => 0,
        (error: { code?: number }) => error.code ?? -1,
      );
    };

    expect(image.healthcheck.options).toMatch(/--timeout=\d+s/);
    expect(await check(new URL(gateway.url).port)).toBe(0);
    expect(await check(String(await freePort()))).toBe(1);
  });

  it("serves the compose router's supergraph, composed from schema.graphql and the shop subgraph", async () => {
    const inCompose = composeWithShop({
      insights: 'http://insights-lb:4000/graphql',
      shop: 'http://shop:4000/graphql',
    });

    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['insights-lb', 'shop', 'router']));
    expect(compose.services.router?.volumes).toEqual([
      './deploy/compose/gateway.config.ts:/gateway/gateway.config.ts:ro',
      './deploy/compose/supergraph.graphql:/gateway/supergraph.graphql:ro',
    ]);
    await expect(biomeFormatted(SUPERGRAPH, inCompose)).toMatchFileSnapshot(`../${SUPERGRAPH}`);

    const here = composeWithShop({ insights: `${gateway.url}/graphql`, shop: shopUrl });
    const router = createGatewayRuntime({ ...routerConfig, supergraph: here, logging: false });
    const ask = async (headers: Record<string, string>) => {
      const response = await router.fetch('http://router.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ products { name trend { title } } }' }),
      });
      return (await response.json()) as {
        data?: { products: Array<{ trend: { title: string } | null }> };
        errors?: Array<{ extensions: { code: string } }>;
      };
    };
    try {
      const withToken = await ask({ authorization: `Bearer ${TOKEN}` });
      const without = await ask({});

      // The router passes the client's token on: the insights subgraph knows who is asking.
      expect(withToken.errors).toBeUndefined();
      expect(withToken.data?.products.map(({ trend }) => trend?.title)).toEqual([
        'Perfume',
        'Lipstick & Lip Gloss',
        'Phone Cases',
      ]);
      expect(without.data?.products.map(({ trend }) => trend?.title)).toEqual([null, null, null]);
      expect(without.errors?.map((error) => error.extensions.code)).toEqual(Array(3).fill('UNAUTHENTICATED'));
    } finally {
      await router.dispose();
    }
  });
});
