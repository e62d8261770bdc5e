/**
 * `npm run bench:dashboard -- [--ttls 30] [--loads-per-ttl 100] [--grace-ttls 4] [--budget 2000] [--seed 1]`:
 * a simulated dashboard day in compressed time (TTLs of seconds), today's behaviour (no
 * stale-while-revalidate, no refresh-ahead) beside stale-while-revalidate alone and with
 * refresh-ahead, each a gateway with a stand-in of its own, all fed the same seeded arrivals at
 * the same moments. Prints a table and writes bench/results/dashboard-day.json.
 *
 * A card "waited" when the upstream answered it while the load waited: an operation's
 * `extensions.cost` counts its keys as `cacheHits` (fresh, or stale and refreshing behind) or as
 * paid/coalesced, and a key never asked before can be nothing but a miss, so the already-seen
 * cards that waited in a load are its already-seen cards minus its cache hits. Exact per card,
 * without splitting a dashboard into one operation per card; checked against
 * hits + calls + coalesced = cards on every load.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { parseConfig } from '../src/config/config.js';
import { THIRD_LEVEL_IDS } from '../src/demo-upstream/catalog.js';
import { type DemoUpstream, startDemoUpstream } from '../src/demo-upstream/demo-upstream.js';
import { newestAvailableMonth } from '../src/domain/time-scope.js';
import { createGateway, type Gateway } from '../src/server/create-gateway.js';
import {
  type CardKey,
  type DashboardLoad,
  type DayScope,
  daySchedule,
  modelCache,
} from './lib/dashboard-day-workload.js';
import { percentile, round2 } from './lib/percentiles.js';

const { values: args } = parseArgs({
  options: {
    'ttl-ms': { type: 'string', default: '3000' },
    ttls: { type: 'string', default: '30' },
    'loads-per-ttl': { type: 'string', default: '100' },
    'grace-ttls': { type: 'string', default: '4' },
    budget: { type: 'string', default: '2000' },
    'latency-ms': { type: 'string', default: '40' },
    regions: { type: 'string', default: 'US,GB,DE,FR,JP' },
    seed: { type: 'string', default: '1' },
  },
});

const TTL_MS = Number(args['ttl-ms']);
/** The day scopes' TTLs, in the ratio 1 : 2 : 4, so even the 30-day cards expire several times a day. */
const TTL_BY_SCOPE: Record<DayScope, number> = { '1': TTL_MS, '7': 2 * TTL_MS, '30': 4 * TTL_MS };
const GRACE_MS = Number(args['grace-ttls']) * TTL_MS;
const DAY_MS = Number(args.ttls) * TTL_MS;
const LOADS_PER_TTL = Number(args['loads-per-ttl']);
const REFRESH_BUDGET = Number(args.budget);
const LATENCY_MS = Number(args['latency-ms']);
const SEED = Number(args.seed);
/** The stand-in adds up to 20 % of its latency at random. */
const MEAN_LATENCY_MS = 1.1 * LATENCY_MS;
const REFRESH = { minHits: 3, halfLifeMs: TTL_MS, intervalMs: Math.max(100, Math.round(TTL_MS / 10)) };
const ZIPF_S = 1;
const CARDS = { min: 3, max: 6 };
const API_KEY = 'bench-key';

const REGIONS = args.regions.split(',');
const KEYS: CardKey[] = THIRD_LEVEL_IDS.flatMap((id) =>
  REGIONS.flatMap((region) => (['1', '7', '30'] as const).map((timeScope) => ({ id, region, timeScope }))),
);
const keyName = (key: CardKey) => `${key.id}:${key.region}:${key.timeScope}`;
const KEY_INDEX = new Map(KEYS.map((key, index) => [keyName(key), index]));

interface Setup {
  name: string;
  env: Record<string, string>;
  refreshBudget: number;
}

const SETUPS: Setup[] = [
  {
    name: 'today',
    env: { CACHE_STALE_WHILE_REVALIDATE: 'false', REFRESH_AHEAD_CREDITS_DAILY: '0' },
    refreshBudget: 0,
  },
  {
    name: 'SWR only',
    env: { CACHE_STALE_WHILE_REVALIDATE: 'true', REFRESH_AHEAD_CREDITS_DAILY: '0' },
    refreshBudget: 0,
  },
  {
    name: 'SWR + refresh-ahead',
    env: { CACHE_STALE_WHILE_REVALIDATE: 'true', REFRESH_AHEAD_CREDITS_DAILY: String(REFRESH_BUDGET) },
    refreshBudget: REFRESH_BUDGET,
  },
];

/** What every gateway shares: compressed TTLs, no response cache (it would hide the insight cache), no binding limits. */
const COMMON_ENV = {
  KEYAPI_API_KEY: API_KEY,
  LOG_LEVEL: 'silent',
  RESPONSE_CACHE_MAX_ENTRIES: '0',
  CACHE_TTL_1_MS: String(TTL_BY_SCOPE['1']),
  CACHE_TTL_7_MS: String(TTL_BY_SCOPE['7']),
  CACHE_TTL_30_MS: String(TTL_BY_SCOPE['30']),
  CACHE_STALE_GRACE_MS: String(GRACE_MS),
  REFRESH_AHEAD_MIN_HITS: String(REFRESH.minHits),
  REFRESH_AHEAD_HALF_LIFE_MS: String(REFRESH.halfLifeMs),
  REFRESH_AHEAD_INTERVAL_MS: String(REFRESH.intervalMs),
  KEYAPI_MAX_QPS: '1000',
  KEYAPI_MAX_CONCURRENCY: '32',
  CREDIT_BUDGET_PER_CLIENT_DAILY: '100000000',
  CREDIT_BUDGET_GLOBAL_DAILY: '100000000',
};

/** One document per dashboard size, as a real dashboard sends: only the variables change. */
const DOCUMENTS = new Map(
  Array.from({ length: CARDS.max - CARDS.min + 1 }, (_, offset) => {
    const size = CARDS.min + offset;
    const cards = Array.from({ length: size }, (_, card) => card);
    const variables = cards.map(
      (card) => `$id${card}: ID!, $region${card}: Region, $scope${card}: TimeScope`,
    );
    const fields = cards.map(
      (card) =>
        `c${card}: categoryInsight(id: $id${card}, region: $region${card}, timeScope: $scope${card}) { id title audienceAges { score } }`,
    );
    return [size, `query Dashboard(${variables.join(', ')}) { ${fields.join(' ')} }`] as const;
  }),
);

interface LoadResult {
  /** When it was sent (ms since the epoch), for the key timelines. */
  sentAt: number;
  /** How late it was sent against the schedule (ms): the client's own delay. */
  lagMs: number;
  ms: number;
  cacheHits: number;
  upstreamCalls: number;
  coalesced: number;
  /** Cards served stale, each with how long past its freshness (ms). */
  stale: { key: number; overdueMs: number }[];
  errors: number;
}

interface Lane {
  setup: Setup;
  upstream: DemoUpstream;
  gateway: Gateway;
  results: LoadResult[];
}

async function startLane(setup: Setup): Promise<Lane> {
  const upstream = await startDemoUpstream({ apiKey: API_KEY, latencyMs: LATENCY_MS, callsKept: 1_000_000 });
  const parsed = parseConfig({ ...COMMON_ENV, KEYAPI_BASE_URL: upstream.url, ...setup.env });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return { setup, upstream, gateway: createGateway(parsed.config), results: [] };
}

async function ask(gateway: Gateway, keys: readonly CardKey[]) {
  const variables: Record<string, string> = {};
  keys.forEach((key, card) => {
    variables[`id${card}`] = key.id;
    variables[`region${card}`] = key.region;
    variables[`scope${card}`] = key.timeScope;
  });
  const response = await gateway.yoga.fetch('http://bench/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: DOCUMENTS.get(keys.length), variables }),
  });
  return (await response.json()) as {
    errors?: unknown[];
    extensions?: {
      cost?: { cacheHits: number; upstreamCalls: number; coalesced: number };
      stale?: { id: string; fetchedAt: string; reason: string }[];
    };
  };
}

async function sendLoad(lane: Lane, index: number, load: DashboardLoad, due: number) {
  const sentAt = Date.now();
  const started = performance.now();
  const body = await ask(
    lane.gateway,
    load.cards.map((card) => KEYS[card] as CardKey),
  );
  const ms = performance.now() - started;
  const answeredAt = Date.now();
  const cost = body.extensions?.cost ?? { cacheHits: 0, upstreamCalls: 0, coalesced: 0 };
  const stale = (body.extensions?.stale ?? []).map((notice) => {
    const key = KEY_INDEX.get(notice.id) ?? -1;
    const ttl = TTL_BY_SCOPE[(KEYS[key]?.timeScope ?? '1') as DayScope];
    return { key, overdueMs: answeredAt - (Date.parse(notice.fetchedAt) + ttl) };
  });
  lane.results[index] = {
    sentAt,
    lagMs: started - due,
    ms,
    cacheHits: cost.cacheHits,
    upstreamCalls: cost.upstreamCalls,
    coalesced: cost.coalesced,
    stale,
    errors: body.errors?.length ?? 0,
  };
}

/**
 * V8 compiles the hit and miss paths before the day: past months' cards (TTL of days, so
 * refresh-ahead never finds them due), then the stand-ins forget the calls.
 */
async function warmUp(lanes: Lane[]) {
  const month = newestAvailableMonth(new Date());
  const keys = THIRD_LEVEL_IDS.map((id) => ({ id, region: 'US', timeScope: month }) as unknown as CardKey);
  for (let round = 0; round < 60; round++) {
    const cards = Array.from({ length: 5 }, (_, card) => keys[(round * 5 + card) % keys.length] as CardKey);
    await Promise.all(lanes.map((lane) => ask(lane.gateway, cards)));
  }
  for (const lane of lanes) lane.upstream.reset();
}

/** Every load goes to every gateway at its scheduled moment, the order rotated load by load. */
async function runDay(lanes: Lane[], loads: readonly DashboardLoad[]) {
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (const [index, load] of loads.entries()) {
    const due = start + load.at;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    for (let turn = 0; turn < lanes.length; turn++) {
      const lane = lanes[(index + turn) % lanes.length] as Lane;
      pending.push(sendLoad(lane, index, load, due));
    }
  }
  await Promise.all(pending);
  // Refreshes set off by the last loads finish before the stand-ins are counted.
  await sleep(4 * LATENCY_MS + 200);
  return performance.now() - start;
}

function prometheusValues(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) values.set(match[1] as string, Number(match[2]));
  }
  return values;
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
const pct = (value: number) => `${(value * 100).toFixed(2)} %`;
const quantiles = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: round2(percentile(sorted, 50)), p99: round2(percentile(sorted, 99)), count: sorted.length };
};

/** For each load, how many of its cards were asked before (by anyone, in schedule order). */
function seenCounts(loads: readonly DashboardLoad[]) {
  const seen = new Set<number>();
  return loads.map((load) => {
    const count = load.cards.filter((card) => seen.has(card)).length;
    for (const card of load.cards) seen.add(card);
    return count;
  });
}

/** Keys whose steady heat (rate × half-life / ln 2) reaches refresh-ahead's threshold. */
function hotKeys(loads: readonly DashboardLoad[]) {
  const asked = new Array<number>(KEYS.length).fill(0);
  for (const load of loads) for (const card of load.cards) asked[card] = (asked[card] as number) + 1;
  const heatPerRequestRate = REFRESH.halfLifeMs / Math.LN2;
  return new Set(
    asked.flatMap((count, key) => ((count / DAY_MS) * heatPerRequestRate >= REFRESH.minHits ? [key] : [])),
  );
}

/** Each key's request times (ms, in whichever clock `timeOf` reads), in order. */
function timelines<T>(
  items: readonly T[],
  cardsOf: (item: T, index: number) => number[],
  timeOf: (item: T) => number,
) {
  const times = KEYS.map(() => [] as number[]);
  items.forEach((item, index) => {
    for (const card of cardsOf(item, index)) times[card]?.push(timeOf(item));
  });
  return times;
}

const countBy = (values: number[]) => {
  const counts: Record<number, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
};

function summarize(
  lane: Lane,
  loads: readonly DashboardLoad[],
  seen: number[],
  hot: Set<number>,
  rankOf: number[],
) {
  const byLoad = lane.results;
  const cards = loads.map((load) => load.cards.length);
  let seenCards = 0;
  let waitedSeen = 0;
  const later = { seenCards: 0, waitedSeen: 0 };
  let inconsistent = 0;
  let errors = 0;
  const allLoads: number[] = [];
  const seenLoads: number[] = [];
  const warmLoads: number[] = [];
  byLoad.forEach((result, index) => {
    const size = cards[index] as number;
    const seenHere = seen[index] as number;
    seenCards += seenHere;
    const waited = Math.max(0, seenHere - result.cacheHits);
    waitedSeen += waited;
    if ((loads[index] as DashboardLoad).at >= TTL_MS) {
      later.seenCards += seenHere;
      later.waitedSeen += waited;
    }
    if (result.cacheHits + result.upstreamCalls + result.coalesced !== size) inconsistent += 1;
    errors += result.errors;
    allLoads.push(result.ms);
    if (seenHere === size) seenLoads.push(result.ms);
    if (result.cacheHits === size && result.stale.length === 0) warmLoads.push(result.ms);
  });
  const stale = byLoad.flatMap((result, index) =>
    result.stale.map((notice) => ({ ...notice, at: (loads[index] as DashboardLoad).at })),
  );
  const staleHot = stale.filter((notice) => hot.has(notice.key));
  const hotCards = loads.reduce((sum, load) => sum + load.cards.filter((card) => hot.has(card)).length, 0);

  const requestTimes = timelines(
    byLoad,
    (_, index) => loads[index]?.cards ?? [],
    (result) => result.sentAt,
  );
  const minimumFetches = requestTimes.reduce(
    (sum, times, key) => sum + modelCache(times, TTL_BY_SCOPE[(KEYS[key] as CardKey).timeScope]).fetches,
    0,
  );
  const calls = lane.upstream.calls;
  const aheadCalls = calls.filter((call) => call.requestId?.startsWith('refresh-ahead-'));
  // A refresh-ahead call that no request used before its answer expired bought nothing.
  const unusedAhead = aheadCalls.filter((call) => {
    const key = KEY_INDEX.get(`${call.id}:${call.region}:${call.timeScope}`) ?? -1;
    const ttl = TTL_BY_SCOPE[(KEYS[key]?.timeScope ?? '1') as DayScope];
    return !(requestTimes[key] ?? []).some((at) => at >= call.at && at < call.at + ttl);
  }).length;
  // How long before the copy it replaced expired each refresh-ahead call reached the stand-in.
  const lastCallAt = new Map<string, number>();
  const aheadLeadMs: number[] = [];
  for (const call of calls) {
    const name = `${call.id}:${call.region}:${call.timeScope}`;
    const previous = lastCallAt.get(name);
    const ttl = TTL_BY_SCOPE[call.timeScope as DayScope];
    if (previous !== undefined && call.requestId?.startsWith('refresh-ahead-'))
      aheadLeadMs.push(previous + MEAN_LATENCY_MS + ttl - call.at);
    lastCallAt.set(name, call.at);
  }
  const credits = calls.length * 2;
  const minimum = minimumFetches * 2;
  const aheadCredits = aheadCalls.length * 2;
  const lags = quantiles(byLoad.map((result) => result.lagMs));
  return {
    name: lane.setup.name,
    loads: byLoad.length,
    cards: cards.reduce((a, b) => a + b, 0),
    seenCards,
    waitedSeen,
    waitedSeenShare: share(waitedSeen, seenCards),
    afterFirstTtl: { ...later, waitedSeenShare: share(later.waitedSeen, later.seenCards) },
    staleCards: stale.length,
    staleShareOfSeen: share(stale.length, seenCards),
    staleOverdueTtls: quantiles(
      stale.map(
        (notice) => notice.overdueMs / TTL_BY_SCOPE[(KEYS[notice.key]?.timeScope ?? '1') as DayScope],
      ),
    ),
    hotKeys: hot.size,
    hotCards,
    staleHotCards: staleHot.length,
    staleHotCardsAfterTwoTtls: staleHot.filter((notice) => notice.at >= 2 * TTL_MS).length,
    staleHotOverdueMs: quantiles(staleHot.map((notice) => notice.overdueMs)),
    staleHotByRank: countBy(staleHot.map((notice) => rankOf[notice.key] as number)),
    latencyMs: { all: quantiles(allLoads), seenKeysOnly: quantiles(seenLoads), warm: quantiles(warmLoads) },
    credits,
    minimumCredits: minimum,
    refreshBudget: lane.setup.refreshBudget,
    refreshAheadCredits: aheadCredits,
    refreshAheadCallsUnused: unusedAhead,
    refreshAheadLeadMs: {
      ...quantiles(aheadLeadMs),
      p1: round2(
        percentile(
          [...aheadLeadMs].sort((a, b) => a - b),
          1,
        ),
      ),
      afterExpiry: aheadLeadMs.filter((lead) => lead < 0).length,
    },
    refreshBudgetSpent: lane.setup.refreshBudget > 0 && aheadCredits >= lane.setup.refreshBudget - 1,
    waitedCredits: byLoad.reduce((sum, result) => sum + result.upstreamCalls, 0) * 2,
    creditsOverMinimum: round2(share(credits, minimum)),
    creditsOverMinimumPlusAhead: round2(share(credits, minimum + aheadCredits)),
    withinCreditTarget: credits <= 1.1 * minimum + lane.setup.refreshBudget,
    sendLagMs: lags,
    inconsistentLoads: inconsistent,
    errors,
  };
}

type Summary = ReturnType<typeof summarize> & {
  swrRefreshCredits: number;
  refreshOutcomes: Record<string, number>;
};

async function refreshMetrics(lane: Lane) {
  const values = prometheusValues(await lane.gateway.metrics.text());
  const outcomes: Record<string, number> = {};
  for (const [name, value] of values) {
    const match = /^gateway_refreshes_total\{trigger="(\w+)",outcome="(\w+)"\}$/.exec(name);
    if (match) outcomes[`${match[1]} ${match[2]}`] = value;
  }
  return { swrRefreshCredits: values.get('gateway_refresh_credits_total{trigger="stale"}') ?? 0, outcomes };
}

/** What ideal caches would do with the schedule itself: the floor each behaviour could reach. */
function models(loads: readonly DashboardLoad[]) {
  const times = timelines(
    loads,
    (load) => load.cards,
    (load) => load.at,
  );
  const total = { onDemand: { fetches: 0, waited: 0 }, swr: { fetches: 0, waited: 0, stale: 0 } };
  times.forEach((keyTimes, key) => {
    const ttl = TTL_BY_SCOPE[(KEYS[key] as CardKey).timeScope];
    const onDemand = modelCache(keyTimes, ttl, 0, MEAN_LATENCY_MS);
    const swr = modelCache(keyTimes, ttl, GRACE_MS, MEAN_LATENCY_MS);
    total.onDemand.fetches += onDemand.fetches;
    total.onDemand.waited += onDemand.waitedAfterFirst;
    total.swr.fetches += swr.fetches;
    total.swr.waited += swr.waitedAfterFirst;
    total.swr.stale += swr.servedStale;
  });
  return total;
}

function printTable(summaries: Summary[], model: ReturnType<typeof models>, seenCards: number) {
  const row = (measure: string, cells: string[], target: string) =>
    console.log(`| ${measure} | ${cells.join(' | ')} | ${target} |`);
  const each = (cell: (s: Summary) => string) => summaries.map(cell);
  const pair = (q: { p50: number; p99: number }) => `${q.p50} / ${q.p99}`;
  console.log(`| measure | ${summaries.map((s) => s.name).join(' | ')} | target |`);
  console.log(`| --- | ${summaries.map(() => '---:').join(' | ')} | --- |`);
  row(
    'dashboard loads (cards)',
    each((s) => `${s.loads} (${s.cards})`),
    '',
  );
  row(
    'already-seen cards that waited for KeyAPI',
    each((s) => `**${pct(s.waitedSeenShare)}** (${s.waitedSeen} of ${s.seenCards})`),
    '≤ 1 %',
  );
  row(
    '… after the first TTL (the cache filling up)',
    each(
      (s) =>
        `${pct(s.afterFirstTtl.waitedSeenShare)} (${s.afterFirstTtl.waitedSeen} of ${s.afterFirstTtl.seenCards})`,
    ),
    '≤ 1 %',
  );
  row(
    'already-seen cards served stale (`REFRESHING`)',
    each((s) => `${pct(s.staleShareOfSeen)} (${s.staleCards})`),
    '',
  );
  row(
    'stale cards: past their freshness, p50 / p99 (TTLs)',
    each((s) => (s.staleCards ? pair(s.staleOverdueTtls) : '—')),
    '',
  );
  row(
    `cards of the ${summaries[0]?.hotKeys} hot keys served stale`,
    each((s) => `${s.staleHotCards} of ${s.hotCards} (${s.staleHotCardsAfterTwoTtls} after 2 TTLs)`),
    'refresh-ahead: 0',
  );
  row(
    'load p50 / p99, all loads (ms)',
    each((s) => pair(s.latencyMs.all)),
    '',
  );
  row(
    'load p50 / p99, loads of already-seen keys (ms)',
    each((s) => `**${pair(s.latencyMs.seenKeysOnly)}**`),
    'p99 close to the warm p99',
  );
  row(
    'warm path p50 / p99: loads of fresh hits only (ms)',
    each((s) => `${pair(s.latencyMs.warm)} (${s.latencyMs.warm.count} loads)`),
    '',
  );
  row(
    'p99 already-seen loads / warm p99',
    each((s) => `${round2(s.latencyMs.seenKeysOnly.p99 / s.latencyMs.warm.p99)}×`),
    '≈ 1×',
  );
  row(
    'credits spent (stand-in calls × 2)',
    each((s) => `**${s.credits}**`),
    '',
  );
  row(
    '… of them while a load waited',
    each((s) => String(s.waitedCredits)),
    '',
  );
  row(
    '… on stale-while-revalidate refreshes',
    each((s) => String(s.swrRefreshCredits)),
    '',
  );
  row(
    '… on refresh-ahead (budget); calls no request used',
    each((s) =>
      s.refreshBudget ? `${s.refreshAheadCredits} (${s.refreshBudget}); ${s.refreshAheadCallsUnused}` : '—',
    ),
    '',
  );
  row(
    'refresh-ahead calls: lead before expiry p1 / p50 (ms); after expiry',
    each((s) =>
      s.refreshBudget
        ? `${s.refreshAheadLeadMs.p1} / ${s.refreshAheadLeadMs.p50}; ${s.refreshAheadLeadMs.afterExpiry} of ${s.refreshAheadLeadMs.count}`
        : '—',
    ),
    `window ${2 * REFRESH.intervalMs} ms`,
  );
  row(
    'minimum for this freshness (greedy, on-demand)',
    each((s) => String(s.minimumCredits)),
    '',
  );
  row(
    'credits / minimum',
    each((s) => `${s.creditsOverMinimum}×`),
    '',
  );
  row(
    'credits / (minimum + refresh-ahead credits spent)',
    each((s) => `**${s.creditsOverMinimumPlusAhead}×**`),
    '≤ 1.1×',
  );
  row(
    'credits ≤ 1.1 × minimum + refresh budget',
    each((s) => (s.withinCreditTarget ? 'yes' : '**no**')),
    'yes',
  );
  console.log(
    `\nModel caches over the schedule itself (per card, the stand-in's mean latency): on demand, ${pct(share(model.onDemand.waited, seenCards))} of already-seen cards wait, ${model.onDemand.fetches * 2} credits; stale-while-revalidate without refresh-ahead, ${pct(share(model.swr.waited, seenCards))} wait (past freshness + grace) and ${pct(share(model.swr.stale, seenCards))} are served stale, ${model.swr.fetches * 2} credits.`,
  );
  for (const s of summaries) {
    const notes = [
      `send lag p50 / p99 ${pair(s.sendLagMs)} ms`,
      `refreshes ${JSON.stringify(s.refreshOutcomes)}`,
      s.refreshBudgetSpent ? 'refresh-ahead ran out of budget' : '',
      s.inconsistentLoads ? `${s.inconsistentLoads} loads where hits + calls + coalesced ≠ cards` : '',
      s.errors ? `${s.errors} GraphQL errors` : '',
    ].filter(Boolean);
    console.log(`- ${s.name}: ${notes.join('; ')}`);
  }
}

const { loads, rankOf } = daySchedule({
  keyCount: KEYS.length,
  durationMs: DAY_MS,
  loadsPerMs: LOADS_PER_TTL / TTL_MS,
  minCards: CARDS.min,
  maxCards: CARDS.max,
  zipfS: ZIPF_S,
  seed: SEED,
});
const lanes = await Promise.all(SETUPS.map(startLane));
const wallStart = performance.now();
await warmUp(lanes);
const dayWallMs = await runDay(lanes, loads);
const seen = seenCounts(loads);
const hot = hotKeys(loads);
const summaries: Summary[] = [];
for (const lane of lanes) {
  const { swrRefreshCredits, outcomes } = await refreshMetrics(lane);
  summaries.push({
    ...summarize(lane, loads, seen, hot, rankOf),
    swrRefreshCredits,
    refreshOutcomes: outcomes,
  });
}
await Promise.all(
  lanes.map(async (lane) => {
    await lane.gateway.dispose();
    await lane.upstream.close();
  }),
);
const model = models(loads);
const seenCards = seen.reduce((a, b) => a + b, 0);

const parameters = {
  keys: KEYS.length,
  regions: REGIONS,
  ttlMs: TTL_BY_SCOPE,
  staleGraceMs: GRACE_MS,
  dayMs: DAY_MS,
  loadsPerTtl1: LOADS_PER_TTL,
  cardsPerLoad: CARDS,
  zipfS: ZIPF_S,
  seed: SEED,
  upstreamLatencyMs: LATENCY_MS,
  refreshAhead: { budgetCredits: REFRESH_BUDGET, ...REFRESH },
  mostPopularKeyShare: round2(1 / KEYS.reduce((sum, _, rank) => sum + 1 / (rank + 1) ** ZIPF_S, 0)),
};
console.log(
  `\nDashboard day: ${KEYS.length} keys (${THIRD_LEVEL_IDS.length} categories × ${REGIONS.length} regions × 3 scopes), Zipf s = ${ZIPF_S}; ` +
    `TTLs ${TTL_BY_SCOPE['1']} / ${TTL_BY_SCOPE['7']} / ${TTL_BY_SCOPE['30']} ms (scopes 1 / 7 / 30), grace ${GRACE_MS} ms; ` +
    `${args.ttls} TTLs of ${TTL_MS} ms, ${LOADS_PER_TTL} loads per TTL, ${CARDS.min}–${CARDS.max} cards a load; stand-in ${LATENCY_MS} ms; ` +
    `refresh-ahead: budget ${REFRESH_BUDGET} credits, min hits ${REFRESH.minHits}, half-life ${REFRESH.halfLifeMs} ms, interval ${REFRESH.intervalMs} ms. ` +
    `Day ${round2(dayWallMs / 1000)} s, whole bench ${round2((performance.now() - wallStart) / 1000)} s.\n`,
);
printTable(summaries, model, seenCards);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/dashboard-day.json', import.meta.url),
  `${JSON.stringify(
    {
      parameters,
      perCard:
        'already-seen cards that waited = already-seen cards − cache hits, per load (see the file header)',
      targets: {
        waitedSeenShare: '≤ 0.01',
        credits: '≤ 1.1 × minimum + refresh budget',
        p99: 'close to the warm path p99',
      },
      models: model,
      popularityRankOfKey: Object.fromEntries(KEYS.map((key, index) => [keyName(key), rankOf[index]])),
      results: summaries,
    },
    null,
    2,
  )}\n`,
);
