import { type GraphQLField, Kind } from 'graphql';
import type { AnySource } from '../loaders/source.js';

/** One paid call a field makes: the source that answers it, and the arguments it asks with. */
export interface PaidCall {
  source: AnySource;
  args: Readonly<Record<string, unknown>>;
}

// Declaration merging is graphql-js's way to type extensions: Pothos checks them against each
// field's own arguments, and the pre-check reads them from any field without a cast.
declare module 'graphql' {
  interface GraphQLFieldExtensions<_TSource, _TContext, _TArgs> {
    /** On a Query field: the paid calls one call with these arguments makes, priced before it runs. */
    paidCalls?: (args: _TArgs) => readonly PaidCall[];
    /** Throws InvalidArgumentError for arguments the resolver would refuse, before anything is paid. */
    validateArgs?: (args: _TArgs) => void;
  }
}

/**
 * The `@cost(weight:)` a field declares in the SDL, in credits: what routers' demand control
 * estimates with and what the pre-check charges each key the field asks for.
 */
export function costWeight(field: GraphQLField<unknown, unknown>): number | undefined {
  const weight = field.astNode?.directives
    ?.find((directive) => directive.name.value === 'cost')
    ?.arguments?.find((argument) => argument.name.value === 'weight')?.value;
  return weight?.kind === Kind.INT ? Number(weight.value) : undefined;
}
