import type { Span } from '@opentelemetry/api';
import { describeRefresh } from '../telemetry/fetch-spans.js';
import type { AttemptHooks } from '../upstream/resilience/guard.js';
import { CREDITS_PER_CALL } from './budget/request-cost.js';
import { refusalError } from './cache/cached-answer.js';
import type { RefreshTrigger } from './cached-fetcher.js';
import { askUpstream, type Outcome, rulesNow, type SourceKey } from './source-key.js';

/** One refresh behind the requests: who it is booked to, what set it off, and its span. */
export interface RefreshCall {
  requestId: string;
  hooks: AttemptHooks;
  trigger: RefreshTrigger;
  span: Span | undefined;
}

/**
 * One background call, under the lease when instances share Redis (skipped while another instance
 * holds it); a failure keeps the old copy, which is what a caller that joined the refresh gets.
 */
export async function refreshInBackground<K, P, V>(
  at: SourceKey<K, P, V>,
  { requestId, hooks, trigger, span }: RefreshCall,
): Promise<Outcome> {
  const spent = creditCounter(hooks);
  const report = (outcome: 'ok' | 'failed' | 'skipped') => {
    at.deps.observe.refresh(trigger, outcome, spent.credits());
    describeRefresh(span, outcome, spent.credits());
  };
  const call = async () => {
    const answer = await askUpstream(at, requestId, spent.hooks);
    await at.deps.cache.set(at.id, answer, rulesNow(at).keepFor(answer));
    return answer;
  };
  try {
    const answer = at.deps.leased ? await at.deps.leased.ifFree(at.id, call) : await call();
    report(answer ? 'ok' : 'skipped');
    if (answer) return { good: answer };
  } catch {
    report('failed');
  }
  const previous = rulesNow(at).lastGood(await at.deps.cache.get(at.id, () => false));
  if (!previous) throw refusalError({ code: 'UPSTREAM_UNAVAILABLE', message: 'KeyAPI is unavailable' });
  return { good: previous, staleBecause: 'REFRESHING' };
}

/** Passes each attempt on to `hooks` and counts the credits it spent; one never sent costs none. */
function creditCounter(hooks: AttemptHooks) {
  let credits = 0;
  const counted: AttemptHooks = {
    async beforeAttempt() {
      await hooks.beforeAttempt?.();
      credits += CREDITS_PER_CALL;
    },
    async notSent() {
      credits -= CREDITS_PER_CALL;
      await hooks.notSent?.();
    },
  };
  return { hooks: counted, credits: () => credits };
}
