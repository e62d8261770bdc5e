import { afterMiss, inLeaseSpan } from '../telemetry/fetch-spans.js';
import { UpstreamError } from '../upstream/upstream-error.js';
import { CreditBudgetError } from './budget/credit-budget-error.js';
import type { RequestCost } from './budget/request-cost.js';
import { type CachedAnswer, isRefusal, refusalError, snapshotRefusal } from './cache/cached-answer.js';
import { askUpstream, freshAnswer, type Outcome, rulesNow, type SourceKey } from './source-key.js';

/**
 * A miss's one call: under the cross-instance lease when instances share Redis, then guarded and
 * budgeted. When it fails, an older answer within its grace is served instead.
 */
export async function payForMiss<K, P, V>(
  at: SourceKey<K, P, V>,
  previous: CachedAnswer | undefined,
  cost: RequestCost,
): Promise<Outcome> {
  let answer: CachedAnswer;
  try {
    answer = await callOnce(at, previous, cost);
  } catch (error) {
    const usable = rulesNow(at).lastGood(previous);
    const transient =
      !isRefusal(error) && (error instanceof UpstreamError || error instanceof CreditBudgetError);
    if (usable && transient) return { good: usable, staleBecause: error.code };
    throw error;
  }
  if (answer.kind === 'refusal') throw refusalError(answer.error);
  return { good: answer };
}

/** Under the lease, whichever instance holds it pays and the others read the answer it stores. */
async function callOnce<K, P, V>(
  at: SourceKey<K, P, V>,
  previous: CachedAnswer | undefined,
  cost: RequestCost,
) {
  const pay = () => payAndStore(at, previous, cost);
  const { leased } = at.deps;
  if (!leased) return pay();
  const { answer, coalesced } = await inLeaseSpan(at.id, () => leased(at.id, () => freshAnswer(at), pay));
  if (coalesced) cost.coalesced += 1;
  return answer;
}

async function payAndStore<K, P, V>(
  at: SourceKey<K, P, V>,
  previous: CachedAnswer | undefined,
  cost: RequestCost,
): Promise<CachedAnswer> {
  const hooks = at.deps.budget(cost);
  let answer: CachedAnswer;
  try {
    answer = await afterMiss(() => askUpstream(at, cost.requestId, hooks));
  } catch (error) {
    if (!isRefusal(error)) throw error;
    answer = refusalAnswer(at, error, previous);
  }
  await at.deps.cache.set(at.id, answer, rulesNow(at).keepFor(answer));
  return answer;
}

/** A refusal carries the last good copy along, so the next outage still has it to serve. */
function refusalAnswer<K, P, V>(
  at: SourceKey<K, P, V>,
  error: UpstreamError,
  previous: CachedAnswer | undefined,
): CachedAnswer {
  const lastGood = rulesNow(at).lastGood(previous);
  return {
    kind: 'refusal',
    error: snapshotRefusal(error),
    fetchedAt: at.deps.clock.now().getTime(),
    ...(lastGood && { lastGood }),
  };
}
