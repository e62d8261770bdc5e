import type { InsightArgs } from '../loaders/insight-loader.js';

// Declaration merging is graphql-js's way to type extensions: Pothos checks them against each
// field's own arguments, and the pre-check reads them from any field without a cast.
declare module 'graphql' {
  interface GraphQLFieldExtensions<_TSource, _TContext, _TArgs> {
    /** On a Query field: the insights one call with these arguments asks for, priced before it runs. */
    insightArgs?: (args: _TArgs) => readonly InsightArgs[];
    /** Throws InvalidArgumentError for arguments the resolver would refuse, before anything is paid. */
    validateArgs?: (args: _TArgs) => void;
  }
}
