import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayConfig } from '../../config/config.js';

type Limit = 'DEPTH' | 'ALIASES' | 'DIRECTIVES' | 'TOKENS';

// graphql-armor throws its refusals from inside validation, which yoga answers as HTTP 200 with
// no code. Reported as validation errors instead, they get GraphQL over HTTP's status (400 for
// application/graphql-response+json) and a code a client can match, as Apollo Router names them.
const refused = (limit: Limit) => ({
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) => {
      const coded = new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
        extensions: { code: `MAX_${limit}_LIMIT` },
      });
      // The token limit runs in the parser, which has no validation context: it throws instead.
      if (!context) throw coded;
      context.reportError(coded);
    },
  ],
});

/**
 * Depth, aliases, directives and tokens, each refused before execution with a stable code; field
 * suggestions only outside production, where they help a developer more than an attacker.
 */
export function useOperationLimits(armor: GatewayConfig['armor']): Plugin {
  return EnvelopArmorPlugin({
    maxDepth: { n: armor.maxDepth, ...refused('DEPTH') },
    maxAliases: { n: armor.maxAliases, ...refused('ALIASES') },
    maxTokens: { n: armor.maxTokens, ...refused('TOKENS') },
    maxDirectives: { n: armor.maxDirectives, ...refused('DIRECTIVES') },
    blockFieldSuggestion: { enabled: armor.hideFieldSuggestions },
    // Credits, not field weights, are what an operation costs here: the pre-check prices them.
    costLimit: { enabled: false },
  }) as Plugin;
}
