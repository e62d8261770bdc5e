import type { GraphQLFormattedError } from 'graphql';
import type { UpstreamCall } from '../../src/demo-upstream/demo-upstream.js';

/** A one-day insight a client asks for: one upstream call on a miss. */
export interface AskedKey {
  id: string;
  region: string;
}

/** Every category of `ids` in every one of `regions`. */
export const keysOf = (ids: readonly string[], regions: readonly string[]): AskedKey[] =>
  regions.flatMap((region) => ids.map((id) => ({ id, region })));

/** The gateway's `CategoryInsight.id` of a key, as it answers it. */
export const insightId = (key: AskedKey) => `${key.id}:${key.region}:1`;

/** The upstream calls made for `keys`. */
export const callsFor = (calls: readonly UpstreamCall[], keys: readonly AskedKey[]) =>
  calls.filter((call) => keys.some((key) => key.id === call.id && key.region === call.region));

export interface Answer {
  key: AskedKey;
  /** 0 when no HTTP response came back at all. */
  status: number;
  data?: { categoryInsight: { id: string } | null } | null;
  errors?: GraphQLFormattedError[];
  extensions?: { cost?: { upstreamCalls: number; cacheHits: number; coalesced: number } };
  ms: number;
}

const QUERY = 'query ($id: ID!, $region: Region) { categoryInsight(id: $id, region: $region) { id } }';

/** One POST /graphql for `key`; a failed connection is an answer too (status 0), not a throw. */
export async function ask(url: string, key: AskedKey): Promise<Answer> {
  const started = performance.now();
  try {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: QUERY, variables: key }),
    });
    const body = (await response.json()) as Omit<Answer, 'key' | 'status' | 'ms'>;
    return { ...body, key, status: response.status, ms: performance.now() - started };
  } catch (error) {
    const errors = [{ message: (error as Error).message }];
    return { key, status: 0, errors, ms: performance.now() - started };
  }
}

export interface LoadOptions {
  /** How often each key is asked; round by round, so the first requests are one of each key. */
  times: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Called after each answer with how many have come back. */
  onAnswer?: (answered: number) => void;
}

/** Asks every key `times` times, `concurrency` requests at once; the answers in the order asked. */
export async function askEach(url: string, keys: readonly AskedKey[], options: LoadOptions) {
  const queue = Array.from({ length: options.times }, () => keys).flat();
  const answers: Answer[] = [];
  let taken = 0;
  let answered = 0;
  const worker = async () => {
    while (taken < queue.length) {
      const index = taken++;
      answers[index] = await ask(url, queue[index] as AskedKey);
      options.onAnswer?.(++answered);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return answers;
}

/** The answers that are not a 200 with the insight asked for and no error. */
export const failures = (answers: readonly Answer[]) =>
  answers.filter(
    (answer) =>
      answer.status !== 200 ||
      answer.errors !== undefined ||
      answer.data?.categoryInsight?.id !== insightId(answer.key),
  );
