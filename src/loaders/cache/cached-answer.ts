import { UpstreamError, type UpstreamErrorCode } from '../../upstream/upstream-error.js';

/** A good answer, as JSON: any endpoint's decoded `data`. */
export interface GoodAnswer {
  value: unknown;
  fetchedAt: number;
}

/** A remembered upstream answer: the decoded payload, or a definite refusal. */
export type CachedAnswer =
  | ({ kind: 'answer' } & GoodAnswer)
  | {
      kind: 'refusal';
      error: RefusalSnapshot;
      fetchedAt: number;
      /** The good answer the refusal replaced, still served when KeyAPI fails within its grace. */
      lastGood?: GoodAnswer;
    };

/** What a refusal tells the next client: the gateway's own words, no provider text. */
export interface RefusalSnapshot {
  code: UpstreamErrorCode;
  message: string;
  status?: number;
}

/** Definite answers about a key, remembered briefly so a repeated bad ID does not pay again. */
export function isRefusal(error: unknown): error is UpstreamError {
  return (
    error instanceof UpstreamError &&
    (error.code === 'UPSTREAM_BAD_REQUEST' || error.code === 'UPSTREAM_ERROR')
  );
}

export function snapshotRefusal(error: UpstreamError): RefusalSnapshot {
  return { code: error.code, message: error.message, status: error.status };
}

export function refusalError(snapshot: RefusalSnapshot): UpstreamError {
  return new UpstreamError(snapshot.code, snapshot.message, snapshot);
}

/** One tier of the cache, keyed by the source's name and the key's ID. */
export interface AnswerCache {
  get(id: string): Promise<CachedAnswer | undefined>;
  /** Keeps `answer` for `keepMs`. */
  set(id: string, answer: CachedAnswer, keepMs: number): Promise<void>;
}
