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
import { InvalidArgumentError } from '../domain/invalid-argument-error.js';
import type { AnySource } from '../loaders/source.js';
import { costWeight, type PaidCall } from '../schema/field-extensions.js';

/** Field nodes plus IDs the analysis may visit for one operation: 100 full lists, far above any page. */
export const MAX_ANALYSIS_WORK = 50_000;

/** A key some source will be asked for, and the credits a call for it costs. */
export interface PricedKey {
  source: AnySource;
  key: unknown;
  /** The `@cost` weight of the first root field that asks for the key. */
  credits: number;
}

/** What an operation asks for before it runs, or why it must not run at all. */
export type OperationAnalysis = { keys: PricedKey[] } | { refusal: GraphQLError };

/**
 * Reads, before execution, the paid keys an operation asks for at its root (the least it can
 * cost), from each field's `paidCalls` extension, each priced at the field's `@cost` weight, and
 * checks every field's arguments against its `validateArgs` extension. Nested fields are not
 * priced: their keys depend on the parent's answer.
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
  // By source and arguments, so each distinct call is normalized once however often it is asked for.
  private readonly normalized = new Set<string>();
  private readonly found = new Map<string, PricedKey>();
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

  keys(): PricedKey[] {
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
    const { validateArgs, paidCalls } = definition.extensions;
    const priced = onQuery ? paidCalls : undefined;
    if (!validateArgs && !priced) return;
    const args = this.argumentsOf(definition, node);
    if (!args) return;
    try {
      validateArgs?.(args);
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw badArgument(error, node);
      throw error;
    }
    if (!priced) return;
    const credits = costWeight(definition) ?? missingWeight(definition);
    for (const item of priced(args)) this.add(item, credits, node);
  }

  private argumentsOf(definition: GraphQLField<unknown, unknown>, node: FieldNode) {
    try {
      return getArgumentValues(definition, node, this.variables);
    } catch {
      // Execution refuses the field itself, with the same error, at no cost.
      return undefined;
    }
  }

  private add({ source, args }: PaidCall, credits: number, node: FieldNode): void {
    this.count(node);
    const seen = `${source.name}\u0000${JSON.stringify(args)}`;
    if (this.normalized.has(seen)) return;
    this.normalized.add(seen);
    try {
      const key = source.keyOf(args, this.now);
      const id = `${source.name}:${source.keyId(key)}`;
      // One key is one call however many fields ask for it; fields of one source share a weight.
      if (!this.found.has(id)) this.found.set(id, { source, key, credits });
    } catch {
      // The resolver refuses it with BAD_USER_INPUT, at no cost.
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

function missingWeight(definition: GraphQLField<unknown, unknown>): never {
  throw new Error(`${definition.name} declares paidCalls but no @cost weight to price them with`);
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
