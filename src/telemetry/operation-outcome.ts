import { type DocumentNode, type ExecutionResult, Kind } from 'graphql';

/** Whether a parse hook's result is a document (it may be an error yoga reports). */
export const isDocument = (result: unknown): result is DocumentNode =>
  (result as DocumentNode | null)?.kind === Kind.DOCUMENT;

/** How an operation ended, as logs, metrics and spans name it: `partial` kept some data. */
export function outcomeOf(result: ExecutionResult): 'ok' | 'partial' | 'error' {
  if (!result.errors?.length) return 'ok';
  const data = result.data as Record<string, unknown> | null | undefined;
  return data && Object.values(data).some((value) => value !== null) ? 'partial' : 'error';
}
