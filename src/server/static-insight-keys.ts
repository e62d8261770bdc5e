import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLIncludeDirective,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  getOperationAST,
  getVariableValues,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { type InsightKey, insightKeyId, toInsightKey } from '../domain/insight-key.js';

/**
 * The insight keys an operation asks for at its root, known before it runs: the least it can
 * cost. Nested `insight` fields are left out (their category is only known once the parent
 * answers), as are arguments the resolvers will refuse anyway.
 */
export function staticInsightKeys(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  now: Date,
): InsightKey[] {
  const operation = getOperationAST(document, operationName);
  const query = schema.getQueryType();
  if (operation?.operation !== 'query' || !query) return [];
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (coerced.errors) return [];
  const variables = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }

  const keys = new Map<string, InsightKey>();
  const add = (args: Record<string, unknown>) => {
    try {
      const key = toInsightKey(
        { id: args.id, region: args.region ?? undefined, timeScope: args.timeScope ?? undefined },
        now,
      );
      keys.set(insightKeyId(key), key);
    } catch {
      // The resolver refuses it with BAD_USER_INPUT, at no cost.
    }
  };
  const included = (node: Parameters<typeof getDirectiveValues>[1]) =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;

  const visit = (selectionSet: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value))
          visit(fragment.selectionSet, new Set([...seen, fragment.name.value]));
      } else {
        const field = query.getFields()[selection.name.value];
        if (!field || (field.name !== 'categoryInsight' && field.name !== 'categoryInsights')) continue;
        const args = getArgumentValues(field, selection, variables);
        if (field.name === 'categoryInsight') add(args);
        else for (const id of (args.ids as unknown[] | undefined) ?? []) add({ ...args, id });
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return [...keys.values()];
}
