/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query BrokenAndHealthy($brokenId: ID!, $healthyId: ID!) {\n  broken: categoryInsight(id: $brokenId) {\n    id\n    title\n  }\n  healthy: categoryInsight(id: $healthyId) {\n    id\n    title\n    hashtags\n  }\n}": typeof types.BrokenAndHealthyDocument,
    "query CategoryInsights($ids: [ID!]!, $region: Region, $timeScope: TimeScope) {\n  categoryInsights(ids: $ids, region: $region, timeScope: $timeScope) {\n    id\n    categoryId\n    title\n  }\n}": typeof types.CategoryInsightsDocument,
    "query InsightInScope($id: ID!, $region: Region, $timeScope: TimeScope) {\n  categoryInsight(id: $id, region: $region, timeScope: $timeScope) {\n    id\n    region\n    timeScope\n  }\n}": typeof types.InsightInScopeDocument,
    "query SameKeyManyWays {\n  first: categoryInsight(id: \"601583\", region: \"US\", timeScope: 7) {\n    id\n  }\n  second: categoryInsight(id: \"601583\", region: \"US\", timeScope: \"7\") {\n    id\n  }\n  third: categoryInsight(id: \"601583\", region: \"us\", timeScope: 7) {\n    id\n    title\n  }\n  nested: categoryInsight(id: \"601583\", region: \"Us\", timeScope: \"7\") {\n    category {\n      insight(region: \"uS\", timeScope: 7) {\n        id\n        title\n      }\n    }\n  }\n}": typeof types.SameKeyManyWaysDocument,
};
const documents: Documents = {
    "query BrokenAndHealthy($brokenId: ID!, $healthyId: ID!) {\n  broken: categoryInsight(id: $brokenId) {\n    id\n    title\n  }\n  healthy: categoryInsight(id: $healthyId) {\n    id\n    title\n    hashtags\n  }\n}": types.BrokenAndHealthyDocument,
    "query CategoryInsights($ids: [ID!]!, $region: Region, $timeScope: TimeScope) {\n  categoryInsights(ids: $ids, region: $region, timeScope: $timeScope) {\n    id\n    categoryId\n    title\n  }\n}": types.CategoryInsightsDocument,
    "query InsightInScope($id: ID!, $region: Region, $timeScope: TimeScope) {\n  categoryInsight(id: $id, region: $region, timeScope: $timeScope) {\n    id\n    region\n    timeScope\n  }\n}": types.InsightInScopeDocument,
    "query SameKeyManyWays {\n  first: categoryInsight(id: \"601583\", region: \"US\", timeScope: 7) {\n    id\n  }\n  second: categoryInsight(id: \"601583\", region: \"US\", timeScope: \"7\") {\n    id\n  }\n  third: categoryInsight(id: \"601583\", region: \"us\", timeScope: 7) {\n    id\n    title\n  }\n  nested: categoryInsight(id: \"601583\", region: \"Us\", timeScope: \"7\") {\n    category {\n      insight(region: \"uS\", timeScope: 7) {\n        id\n        title\n      }\n    }\n  }\n}": types.SameKeyManyWaysDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query BrokenAndHealthy($brokenId: ID!, $healthyId: ID!) {\n  broken: categoryInsight(id: $brokenId) {\n    id\n    title\n  }\n  healthy: categoryInsight(id: $healthyId) {\n    id\n    title\n    hashtags\n  }\n}"): (typeof documents)["query BrokenAndHealthy($brokenId: ID!, $healthyId: ID!) {\n  broken: categoryInsight(id: $brokenId) {\n    id\n    title\n  }\n  healthy: categoryInsight(id: $healthyId) {\n    id\n    title\n    hashtags\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CategoryInsights($ids: [ID!]!, $region: Region, $timeScope: TimeScope) {\n  categoryInsights(ids: $ids, region: $region, timeScope: $timeScope) {\n    id\n    categoryId\n    title\n  }\n}"): (typeof documents)["query CategoryInsights($ids: [ID!]!, $region: Region, $timeScope: TimeScope) {\n  categoryInsights(ids: $ids, region: $region, timeScope: $timeScope) {\n    id\n    categoryId\n    title\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query InsightInScope($id: ID!, $region: Region, $timeScope: TimeScope) {\n  categoryInsight(id: $id, region: $region, timeScope: $timeScope) {\n    id\n    region\n    timeScope\n  }\n}"): (typeof documents)["query InsightInScope($id: ID!, $region: Region, $timeScope: TimeScope) {\n  categoryInsight(id: $id, region: $region, timeScope: $timeScope) {\n    id\n    region\n    timeScope\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SameKeyManyWays {\n  first: categoryInsight(id: \"601583\", region: \"US\", timeScope: 7) {\n    id\n  }\n  second: categoryInsight(id: \"601583\", region: \"US\", timeScope: \"7\") {\n    id\n  }\n  third: categoryInsight(id: \"601583\", region: \"us\", timeScope: 7) {\n    id\n    title\n  }\n  nested: categoryInsight(id: \"601583\", region: \"Us\", timeScope: \"7\") {\n    category {\n      insight(region: \"uS\", timeScope: 7) {\n        id\n        title\n      }\n    }\n  }\n}"): (typeof documents)["query SameKeyManyWays {\n  first: categoryInsight(id: \"601583\", region: \"US\", timeScope: 7) {\n    id\n  }\n  second: categoryInsight(id: \"601583\", region: \"US\", timeScope: \"7\") {\n    id\n  }\n  third: categoryInsight(id: \"601583\", region: \"us\", timeScope: 7) {\n    id\n    title\n  }\n  nested: categoryInsight(id: \"601583\", region: \"Us\", timeScope: \"7\") {\n    category {\n      insight(region: \"uS\", timeScope: 7) {\n        id\n        title\n      }\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;