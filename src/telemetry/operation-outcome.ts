import { type DocumentNode, type ExecutionResult, Kind } from 'graphql';
import { isAsyncIterable } from 'graphql-yoga';

/** Whether a parse hook's result is a document (it may be an error yoga reports). */
export const isDocument = (result: unknown): result is DocumentNode =>
  (result as DocumentNode | null)?.kind === Kind.DOCUMENT;

/** How an operation ended, as logs, metrics and spans name it: `partial` kept some data. */
export function outcomeOf(result: ExecutionResult): 'ok' | 'partial' | 'error' {
  if (!result.errors?.length) return 'ok';
  const data = result.data as Record<string, unknown> | null | undefined;
  return data && Object.values(data).some((value) => value !== null) ? 'partial' : 'error';
}

/** Whether a part of an incremental (@defer/@stream) answer is its last. */
export const isFinalPart = (part: unknown): boolean => (part as { hasNext?: boolean }).hasNext === false;

/** The one execution result `onResultProcess` sends, or undefined for a batch, a stream or a non-GraphQL body. */
export function singleResult(result: unknown): ExecutionResult | undefined {
  if (Array.isArray(result) || isAsyncIterable(result) || result === null || typeof result !== 'object')
    return undefined;
  return 'errors' in result || 'data' in result ? (result as ExecutionResult) : undefined;
}
