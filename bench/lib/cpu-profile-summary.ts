import { readFileSync } from 'node:fs';

/** The parts of V8's `.cpuprofile` that the summary reads. */
interface CpuProfile {
  startTime: number;
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

/** V8's own entries, which are not JavaScript the process ran. */
const NOT_WORK = new Set(['(idle)', '(root)', '(program)']);

/**
 * Where a frame's code lives: `(garbage collector)`, a native (empty URL), `node:` plus the
 * first part of an internal module's path, an npm package, or a file of dist/ or bench/.
 */
export function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) {
    const path = url.replace(/^node:(internal\/)?/, '');
    return `node:${path.split('/')[0]}`;
  }
  const packaged = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (packaged) return packaged[1] as string;
  const own = /\/(dist|bench)\/(.*)$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return url;
}

const frameName = (frame: CpuProfile['nodes'][number]['callFrame']) => {
  const where = moduleOf(frame.url, frame.functionName);
  const name = frame.functionName || '(anonymous)';
  return frame.url ? `${name} ${where}:${frame.lineNumber + 1}` : name;
};

/** What `cpu-profile-on-signal.mjs` records: [event, µs on the profile's clock]. */
export type RequestEvent = ['S' | 'U' | 'H' | 'F', number];

/**
 * Where a request is: `before upstream` from its headers' arrival until the upstream request
 * leaves, `awaiting upstream` until the upstream's headers are back, `after upstream` until the
 * response is written, and `after response` until the next request (logging, cleanup, GC).
 * The first and third are the latency a server adds; the others are off the request's path.
 */
export const PHASES = {
  S: 'before upstream',
  U: 'awaiting upstream',
  H: 'after upstream',
  F: 'after response',
} as const;
export type Phase = (typeof PHASES)[keyof typeof PHASES];

/** Each request's time before the upstream call and after it, µs, in request order. */
export function requestPhases(events: readonly RequestEvent[]) {
  const requests: Array<{ before: number; awaiting: number; after: number }> = [];
  let start: number | undefined;
  let sent: number | undefined;
  let back: number | undefined;
  for (const [event, at] of events) {
    if (event === 'S') [start, sent, back] = [at, undefined, undefined];
    if (event === 'U' && sent === undefined) sent = at;
    if (event === 'H') back = at;
    if (event === 'F' && start !== undefined && sent !== undefined && back !== undefined) {
      requests.push({ before: sent - start, awaiting: back - sent, after: at - back });
      start = undefined;
    }
  }
  return requests;
}

export interface ProfileSummary {
  /** Sampled time while the process was busy (neither idle nor outside JavaScript), µs. */
  busyUs: number;
  idleUs: number;
  /** Time in the profiler's `(program)` bucket: native work V8 cannot attribute, µs. */
  programUs: number;
  /** Self time by module, µs. */
  selfByModule: Map<string, number>;
  /** Time with the module anywhere on the stack, µs (each sample counted once per module). */
  inclusiveByModule: Map<string, number>;
  /** Self time by function, µs. */
  selfByFunction: Map<string, number>;
  /**
   * Self time by the innermost package or own file on the stack: node's and V8's own work is
   * charged to the code that called into it (a socket write to the HTTP adapter that wrote).
   */
  byCaller: Map<string, number>;
  /** With request events: busy time, self time by module and by function, per phase. */
  phases: Map<
    Phase,
    {
      busyUs: number;
      selfByModule: Map<string, number>;
      selfByFunction: Map<string, number>;
      byCaller: Map<string, number>;
    }
  >;
}

/** Aggregates one `.cpuprofile` by module and by function, and by phase when given the events. */
export function summarizeProfile(file: string, events: readonly RequestEvent[] = []): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const phaseAt = (at: number): Phase | undefined => {
    let low = 0;
    let high = events.length - 1;
    if (high < 0 || at < (events[0] as RequestEvent)[1]) return undefined;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((events[middle] as RequestEvent)[1] <= at) low = middle;
      else high = middle - 1;
    }
    return PHASES[(events[low] as RequestEvent)[0]];
  };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const summary: ProfileSummary = {
    busyUs: 0,
    idleUs: 0,
    programUs: 0,
    selfByModule: new Map(),
    inclusiveByModule: new Map(),
    selfByFunction: new Map(),
    byCaller: new Map(),
    phases: new Map(),
  };
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  let at = profile.startTime;
  for (const [index, id] of profile.samples.entries()) {
    at += profile.timeDeltas[index] ?? 0;
    const us = profile.timeDeltas[index + 1] ?? 0;
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url } = node.callFrame;
    if (functionName === '(idle)') summary.idleUs += us;
    if (functionName === '(program)') summary.programUs += us;
    if (NOT_WORK.has(functionName)) continue;
    summary.busyUs += us;
    add(summary.selfByModule, moduleOf(url, functionName), us);
    add(summary.selfByFunction, frameName(node.callFrame), us);
    const seen = new Set<string>();
    let caller: string | undefined;
    for (let frameId: number | undefined = id; frameId !== undefined; frameId = parent.get(frameId)) {
      const frame = byId.get(frameId)?.callFrame;
      if (!frame || frame.functionName === '(root)') continue;
      const module = moduleOf(frame.url, frame.functionName);
      seen.add(module);
      if (caller === undefined && frame.url && !frame.url.startsWith('node:')) caller = module;
    }
    for (const module of seen) add(summary.inclusiveByModule, module, us);
    caller ??= functionName === '(garbage collector)' ? functionName : '(node, no caller)';
    add(summary.byCaller, caller, us);
    const phase = phaseAt(at);
    if (phase) {
      let entry = summary.phases.get(phase);
      if (!entry) {
        entry = { busyUs: 0, selfByModule: new Map(), selfByFunction: new Map(), byCaller: new Map() };
        summary.phases.set(phase, entry);
      }
      entry.busyUs += us;
      add(entry.selfByModule, moduleOf(url, functionName), us);
      add(entry.selfByFunction, frameName(node.callFrame), us);
      add(entry.byCaller, caller, us);
    }
  }
  return summary;
}

/** The largest entries of `map`, in µs per request, as Markdown rows. */
export function topRows(map: Map<string, number>, requests: number, limit: number): string[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => `| ${name} | ${(us / requests).toFixed(1)} |`);
}
