import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  GraphQLError,
  type GraphQLField,
  GraphQLIncludeDirective,
  type GraphQLObjectType,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type NamedTypeNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { type InsightKey, insightKeyId, toInsightKey } from '../domain/insight-key.js';
import { InvalidArgumentError } from '../domain/invalid-argument-error.js';
import { ALL_REGIONS } from '../domain/region.js';
import type { InsightArgs } from '../loaders/insight-loader.js';

/** Field nodes plus IDs the analysis may visit for one operation: 100 full lists, far above any page. */
export const MAX_ANALYSIS_WORK = 50_000;

/** What an operation asks for before it runs, or why it must not run at all. */
export type OperationAnalysis = { keys: InsightKey[] } | { refusal: GraphQLError };

/**
 * Reads, before execution, the insight keys an operation asks for at its root (the least it can
 * cost) and checks every field's arguments against its `validateArgs` extension. Nested
 * `insight` fields are not priced: their category is only known once the parent answers.
 */
export function analyzeOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  now: Date,
): OperationAnalysis {
  const operation = getOperationAST(document, operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return { keys: [] };
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  // Execution refuses these variables itself, before any resolver runs.
  if (coerced.errors) return { keys: [] };
  const walk = new OperationWalk(schema, document, coerced.coerced, now);
  try {
    walk.visit(operation.selectionSet, root);
  } catch (error) {
    if (error instanceof GraphQLError) return { refusal: error };
    throw error;
  }
  return { keys: walk.keys() };
}

/**
 * One pass, linear in the document, as graphql-js validation walks it: each fragment is entered
 * once (it has no arguments and its type condition is its parent type, so later spreads add
 * nothing), each field node is read once, and each distinct argument set is normalized once.
 */
class OperationWalk {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly entered = new Set<string>();
  // By region, then time scope, then ID: nested maps of the raw values, so no key is built per ID.
  private readonly normalized = new Map<unknown, Map<unknown, Map<unknown, InsightKey | null>>>();
  private readonly found = new Map<string, InsightKey>();
  private readonly query: GraphQLObjectType | null | undefined;
  private work = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly variables: Record<string, unknown>,
    private readonly now: Date,
  ) {
    this.query = schema.getQueryType();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
  }

  keys(): InsightKey[] {
    return [...this.found.values()];
  }

  visit(selectionSet: SelectionSetNode, parent: GraphQLCompositeType): void {
    for (const selection of selectionSet.selections) {
      if (!this.included(selection)) continue;
      if (selection.kind === Kind.FIELD) this.field(selection, parent);
      else if (selection.kind === Kind.INLINE_FRAGMENT)
        this.visit(selection.selectionSet, this.typeOf(selection.typeCondition) ?? parent);
      else this.spread(selection.name.value);
    }
  }

  private spread(name: string): void {
    const fragment = this.fragments.get(name);
    if (!fragment || this.entered.has(name)) return;
    this.entered.add(name);
    const type = this.typeOf(fragment.typeCondition);
    if (type) this.visit(fragment.selectionSet, type);
  }

  private field(node: FieldNode, parent: GraphQLCompositeType): void {
    this.count(node);
    const definition =
      isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[node.name.value] : undefined;
    // `__typename` and introspection fields: nothing below them is paid for.
    if (!definition) return;
    this.checkArguments(definition, node, parent === this.query);
    const type = getNamedType(definition.type);
    if (node.selectionSet && isCompositeType(type)) this.visit(node.selectionSet, type);
  }

  private checkArguments(
    definition: GraphQLField<unknown, unknown>,
    node: FieldNode,
    onQuery: boolean,
  ): void {
    const { validateArgs, insightArgs } = definition.extensions;
    const priced = onQuery ? insightArgs : undefined;
    if (!validateArgs && !priced) return;
    const args = this.argumentsOf(definition, node);
    if (!args) return;
    try {
      validateArgs?.(args);
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw badArgument(error, node);
      throw error;
    }
    for (const item of priced?.(args) ?? []) this.add(item, node);
  }

  private argumentsOf(definition: GraphQLField<unknown, unknown>, node: FieldNode) {
    try {
      return getArgumentValues(definition, node, this.variables);
    } catch {
      // Execution refuses the field itself, with the same error, at no cost.
      return undefined;
    }
  }

  private add(item: InsightArgs, node: FieldNode): void {
    this.count(node);
    // As the loader does: an explicit null takes the default.
    const region = item.region ?? ALL_REGIONS;
    const timeScope = item.timeScope ?? '1';
    const byId = childOf(childOf(this.normalized, region), timeScope);
    if (byId.has(item.id)) return;
    const key = this.normalize({ id: item.id, region, timeScope });
    byId.set(item.id, key);
    if (key) this.found.set(insightKeyId(key), key);
  }

  private normalize(args: Parameters<typeof toInsightKey>[0]): InsightKey | null {
    try {
      return toInsightKey(args, this.now);
    } catch {
      // The resolver refuses it with BAD_USER_INPUT, at no cost.
      return null;
    }
  }

  private included(node: SelectionNode): boolean {
    if (!node.directives?.length) return true;
    return (
      getDirectiveValues(GraphQLSkipDirective, node, this.variables)?.if !== true &&
      getDirectiveValues(GraphQLIncludeDirective, node, this.variables)?.if !== false
    );
  }

  private typeOf(condition: NamedTypeNode | undefined): GraphQLCompositeType | undefined {
    const type = condition && this.schema.getType(condition.name.value);
    return isCompositeType(type) ? type : undefined;
  }

  private count(node: FieldNode): void {
    this.work += 1;
    if (this.work > MAX_ANALYSIS_WORK) throw tooComplex(node);
  }
}

function childOf<T>(map: Map<unknown, Map<unknown, T>>, key: unknown): Map<unknown, T> {
  let child = map.get(key);
  if (!child) {
    child = new Map();
    map.set(key, child);
  }
  return child;
}

function badArgument(error: InvalidArgumentError, node: FieldNode): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: node,
    extensions: { code: error.code, argumentName: error.argument },
  });
}

function tooComplex(node: FieldNode): GraphQLError {
  return new GraphQLError(
    `This operation asks for more than ${MAX_ANALYSIS_WORK} fields and IDs; split it into smaller operations. Nothing was spent`,
    { nodes: node, extensions: { code: 'OPERATION_TOO_COMPLEX', limit: MAX_ANALYSIS_WORK } },
  );
}
