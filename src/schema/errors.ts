import { GraphQLError } from 'graphql';
import { type MaskError, maskError } from 'graphql-yoga';
import { InvalidArgumentError } from '../domain/invalid-argument-error.js';
import { UpstreamError } from '../upstream/upstream-error.js';

/**
 * The one place where the gateway's typed failures become GraphQL errors with a stable
 * `extensions.code`. Anything it does not recognize goes to yoga's masking, so internals
 * never reach a client.
 */
export const maskGatewayError: MaskError = (error, message, isDev) => {
  const original = error instanceof GraphQLError ? error.originalError : error;
  const location = error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {};
  if (original instanceof UpstreamError) {
    return new GraphQLError(original.message, { ...location, extensions: upstreamExtensions(original) });
  }
  if (original instanceof InvalidArgumentError) {
    return new GraphQLError(original.message, {
      ...location,
      extensions: { code: original.code, argumentName: original.argument },
    });
  }
  return maskError(error, message, isDev);
};

function upstreamExtensions(error: UpstreamError): Record<string, unknown> {
  const extensions: Record<string, unknown> = { code: error.code };
  if (error.status !== undefined) extensions.upstreamStatus = error.status;
  if (error.upstreamCode !== undefined) extensions.upstreamCode = error.upstreamCode;
  if (error.upstreamMessage !== undefined) extensions.upstreamMessage = error.upstreamMessage;
  if (error.retryAfterSeconds !== undefined) extensions.retryAfterSeconds = error.retryAfterSeconds;
  return extensions;
}

/**
 * For scalars: graphql-js rewraps a variable's coercion error but keeps the original's
 * extensions, so this code reaches the client for literals and variables alike.
 */
export function badUserInput(error: unknown): GraphQLError {
  const message = error instanceof Error ? error.message : String(error);
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}
