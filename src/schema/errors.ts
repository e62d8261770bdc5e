import { GraphQLError } from 'graphql';
import { type MaskError, maskError } from 'graphql-yoga';
import { InvalidArgumentError } from '../domain/invalid-argument-error.js';
import { CreditBudgetError } from '../loaders/budget/credit-budget-error.js';
import { UpstreamError } from '../upstream/upstream-error.js';

/**
 * The one place where the gateway's typed failures become GraphQL errors with a stable
 * `extensions.code`. Anything it does not recognize goes to yoga's masking, so internals
 * never reach a client.
 */
export const maskGatewayError: MaskError = (error, message, isDev) => {
  const extensions = error instanceof GraphQLError ? knownExtensions(error.originalError) : undefined;
  if (!extensions || !(error instanceof GraphQLError)) return maskError(error, message, isDev);
  // Coded in place: yoga logs every error that masking replaces, and these are expected outcomes,
  // not crashes. The message is already the typed error's own, written for clients.
  Object.assign(error.extensions, extensions);
  return error;
};

function knownExtensions(error: unknown): Record<string, unknown> | undefined {
  if (error instanceof UpstreamError) return upstreamExtensions(error);
  if (error instanceof InvalidArgumentError) return { code: error.code, argumentName: error.argument };
  if (error instanceof CreditBudgetError) return { code: error.code, budget: error.budget };
  return undefined;
}

/** The gateway's own facts only: the provider's code and text go to the logs, never to clients. */
function upstreamExtensions(error: UpstreamError): Record<string, unknown> {
  const extensions: Record<string, unknown> = { code: error.code };
  if (error.status !== undefined) extensions.upstreamStatus = error.status;
  if (error.retryAfterSeconds !== undefined) extensions.retryAfterSeconds = error.retryAfterSeconds;
  return extensions;
}

/** A scalar parser that refuses bad input with BAD_USER_INPUT, whatever the domain parser throws. */
export function refusingBadInput<T>(parse: (value: unknown) => T): (value: unknown) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      throw badUserInput(error);
    }
  };
}

/**
 * For scalars: graphql-js rewraps a variable's coercion error but keeps the original's
 * extensions, so this code reaches the client for literals and variables alike.
 */
export function badUserInput(error: unknown): GraphQLError {
  const message = error instanceof Error ? error.message : String(error);
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}
