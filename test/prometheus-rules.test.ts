import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics.js';

const RULES = 'deploy/prometheus/gateway-alerts.yaml';
const RULE_TESTS = 'deploy/prometheus/gateway-alerts.test.yaml';
const DASHBOARD = 'deploy/grafana/gateway-dashboard.json';

/** Runs promtool; without it the test fails saying how to install it rather than skipping. */
function promtool(...args: string[]) {
  const run = spawnSync('promtool', args, { encoding: 'utf8' });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(
      'promtool is not installed: `apt-get install -y prometheus` brings it on Debian (.ci/run does so)',
    );
  }
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** How many rules `promtool check rules` found in a file it accepted. */
function rulesFound(output: string): number {
  return Number(/SUCCESS: (\d+) rules found/.exec(output)?.[1]);
}

/**
 * The `expr` of every rule, written as this repo's rules files write them: on the key's line, or
 * as a `|` block below it. Callers compare the count with promtool's, so a form missed here fails.
 */
function ruleExpressions(yaml: string): string[] {
  const lines = yaml.split('\n');
  const expressions: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^(\s*)(?:- )?expr: (.*)$/.exec(lines[i] ?? '');
    if (!match) continue;
    const [, indent = '', value = ''] = match;
    if (value !== '|') {
      expressions.push(value);
      continue;
    }
    const block: string[] = [];
    const inBlock = (line: string | undefined) =>
      line !== undefined && (line.trim() === '' || line.search(/\S/) > indent.length);
    while (inBlock(lines[i + 1])) block.push(lines[++i] ?? '');
    expressions.push(block.join('\n').trim());
  }
  return expressions;
}

const NOT_METRICS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);

/** Metric names in a PromQL expression: what is left once strings, matchers, ranges and label lists go. */
function metricNames(expression: string): string[] {
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/(?<![\w:.])[a-zA-Z_:][\w:]*(?![\w:]|\s*\()/g)]
    .map(([name]) => name)
    .filter((name) => !NOT_METRICS.has(name.toLowerCase()));
}

/** Every series name `/metrics` can show: histograms and summaries add their suffixes. */
async function registeredNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const { name, type } of await createMetrics().registry.getMetricsAsJSON()) {
    names.add(name);
    const suffixes = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'] }[String(type)];
    for (const suffix of suffixes ?? []) names.add(`${name}${suffix}`);
  }
  return names;
}

interface DashboardQuery {
  /** Where it sits, as a recording rule's name. */
  record: string;
  expr: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every panel's queries, collapsed rows' included, and the selectors of `label_values` variables. */
function dashboardQueries(dashboard: Json): DashboardQuery[] {
  const queries: DashboardQuery[] = [];
  const visit = (panels: Json | undefined) => {
    if (!Array.isArray(panels)) return;
    for (const panel of panels.filter(isObject)) {
      for (const target of Array.isArray(panel.targets) ? panel.targets.filter(isObject) : []) {
        if (typeof target.expr === 'string') {
          queries.push({ record: `dashboard:panel_${panel.id}:${target.refId}`, expr: target.expr });
        }
      }
      visit(panel.panels);
    }
  };
  if (!isObject(dashboard)) return queries;
  visit(dashboard.panels);
  const variables = isObject(dashboard.templating) ? dashboard.templating.list : [];
  for (const variable of Array.isArray(variables) ? variables.filter(isObject) : []) {
    const selector = /^label_values\((.+),\s*\w+\)$/.exec(String(variable.query))?.[1];
    if (selector) queries.push({ record: `dashboard:variable_${variable.name}`, expr: selector });
  }
  return queries;
}

/** Grafana's interval variables become durations, the dashboard's own variables a regex. */
function concrete(expr: string): string {
  const durations: Record<string, string> = { __rate_interval: '5m', __interval: '1m', __range: '6h' };
  return expr.replace(
    /\$\{(\w+)(?::\w+)?\}|\$(\w+)/g,
    (_, braced?: string, bare?: string) => durations[braced ?? bare ?? ''] ?? '.+',
  );
}

const rules = readFileSync(RULES, 'utf8');
const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Json;
const tmp = mkdtempSync(join(tmpdir(), 'gateway-dashboard-rules-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the Prometheus alert rules', () => {
  it('pass promtool check rules, every rule read here too', () => {
    const run = promtool('check', 'rules', RULES);

    expect(run.status, run.output).toBe(0);
    expect(rulesFound(run.output)).toBe(8);
    expect(ruleExpressions(rules)).toHaveLength(8);
  });

  it('fire and stay quiet as their promtool unit tests expect', () => {
    const run = promtool('test', 'rules', RULE_TESTS);

    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('SUCCESS');
  });

  it('each have a unit test where they fire and one where they stay quiet', () => {
    const alerts = [...rules.matchAll(/^\s*- alert: (\w+)$/gm)].map(([, name]) => name);
    const cases = [...readFileSync(RULE_TESTS, 'utf8').matchAll(/alertname: (\w+)\n\s*exp_alerts:( \[\])?/g)];
    const fired = new Set(cases.filter(([, , quiet]) => !quiet).map(([, name]) => name));
    const quiet = new Set(cases.filter(([, , quiet]) => quiet).map(([, name]) => name));

    expect(alerts).toHaveLength(8);
    expect(alerts.filter((name) => !fired.has(name))).toEqual([]);
    expect(alerts.filter((name) => !quiet.has(name))).toEqual([]);
  });

  it('use only metrics the gateway registers', async () => {
    const registered = await registeredNames();
    const used = new Set(ruleExpressions(rules).flatMap(metricNames));

    expect([...used].filter((name) => !registered.has(name))).toEqual([]);
    expect([...used].sort()).toEqual([
      'gateway_cache_lookups_total',
      'gateway_credits_spent_total',
      'gateway_daily_credit_budget_remaining',
      'gateway_redis_up',
      'gateway_upstream_breaker_state',
      'gateway_upstream_calls_total',
    ]);
  });
});

describe('the Grafana dashboard', () => {
  const queries = dashboardQueries(dashboard);

  it('has only PromQL that promtool accepts, once Grafana variables are filled in', () => {
    const file = join(tmp, 'dashboard-queries.json');
    const rules = queries.map(({ record, expr }) => ({ record, expr: concrete(expr) }));
    // JSON is YAML, so promtool reads the generated rules file as it is.
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'gateway-dashboard', rules }] }));

    const run = promtool('check', 'rules', file);

    expect(run.status, run.output).toBe(0);
    expect(rulesFound(run.output)).toBe(queries.length);
    expect(queries.length).toBeGreaterThan(25);
  });

  it('uses only metrics the gateway registers, and shows the ones operators watch', async () => {
    const registered = await registeredNames();
    const used = new Set(queries.flatMap(({ expr }) => metricNames(concrete(expr))));

    expect([...used].filter((name) => !registered.has(name))).toEqual([]);
    expect([...used]).toEqual(
      expect.arrayContaining([
        'gateway_credits_spent_total',
        'gateway_daily_credit_budget_remaining',
        'gateway_upstream_calls_total',
        'gateway_operation_duration_seconds_bucket',
        'gateway_upstream_duration_seconds_bucket',
        'gateway_cache_lookups_total',
        'gateway_upstream_breaker_state',
        'gateway_upstream_cooldown_seconds',
        'gateway_redis_up',
        'gateway_refreshes_total',
        'gateway_refresh_credits_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_p99_seconds',
      ]),
    );
  });

  it('takes its data source from a template variable, so it imports anywhere', () => {
    const uids: string[] = [];
    const collect = (value: Json | undefined) => {
      if (Array.isArray(value)) value.forEach(collect);
      if (!isObject(value)) return;
      if (isObject(value.datasource) && value.datasource.type === 'prometheus') {
        uids.push(String(value.datasource.uid));
      }
      Object.values(value).forEach(collect);
    };
    collect(dashboard);
    const variables = isObject(dashboard) && isObject(dashboard.templating) ? dashboard.templating.list : [];

    expect(Array.isArray(variables) && variables[0]).toMatchObject({
      name: 'datasource',
      type: 'datasource',
      query: 'prometheus',
    });
    expect(uids.length).toBeGreaterThan(queries.length);
    expect(new Set(uids)).toEqual(new Set([`\${datasource}`]));
  });
});
