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
    "query CategoryTree($id: ID!) {\n  categoryInsight(id: $id) {\n    id\n    category {\n      id\n      name\n      label\n      level\n      parent {\n        id\n        name\n        level\n        parent {\n          id\n          name\n          level\n          parent {\n            id\n          }\n        }\n      }\n      path {\n        id\n        name\n        level\n      }\n    }\n  }\n}": typeof types.CategoryTreeDocument,
    "query InsightCard($id: ID!, $region: Region, $timeScope: TimeScope) {\n  categoryInsight(id: $id, region: $region, timeScope: $timeScope) {\n    id\n    categoryId\n    region\n    timeScope\n    title\n    coverUrl\n    ecomType\n    category {\n      id\n      name\n      label\n      level\n    }\n    categoryPath {\n      id\n      name\n      level\n    }\n    audienceAges {\n      ageLevel\n      ageRange\n      score\n    }\n    audienceInterests {\n      name\n      score\n    }\n    hashtags\n    fetchedAt\n    posts(first: 5) {\n      totalCount\n      nodes {\n        id\n        createdAt\n        url\n      }\n    }\n  }\n}": typeof types.InsightCardDocument,
    "query PostsPage($id: ID!, $first: Int, $after: String) {\n  categoryInsight(id: $id) {\n    id\n    posts(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          createdAt\n          url\n        }\n      }\n    }\n  }\n}": typeof types.PostsPageDocument,
    "query TwoCategories {\n  categoryInsights(ids: [\"601583\", \"999999\"]) {\n    id\n    title\n  }\n}": typeof types.TwoCategoriesDocument,
};
const documents: Documents = {
    "query CategoryTree($id: ID!) {\n  categoryInsight(id: $id) {\n    id\n    category {\n      id\n      name\n      label\n      level\n      parent {\n        id\n        name\n        level\n        parent {\n          id\n          name\n          level\n          parent {\n            id\n          }\n        }\n      }\n      path {\n        id\n        name\n        level\n      }\n    }\n  }\n}": types.CategoryTreeDocument,
    "query InsightCard($id: ID!, $region: Region, $timeScope: TimeScope) {\n  categoryInsight(id: $id, region: $region, timeScope: $timeScope) {\n    id\n    categoryId\n    region\n    timeScope\n    title\n    coverUrl\n    ecomType\n    category {\n      id\n      name\n      label\n      level\n    }\n    categoryPath {\n      id\n      name\n      level\n    }\n    audienceAges {\n      ageLevel\n      ageRange\n      score\n    }\n    audienceInterests {\n      name\n      score\n    }\n    hashtags\n    fetchedAt\n    posts(first: 5) {\n      totalCount\n      nodes {\n        id\n        createdAt\n        url\n      }\n    }\n  }\n}": types.InsightCardDocument,
    "query PostsPage($id: ID!, $first: Int, $after: String) {\n  categoryInsight(id: $id) {\n    id\n    posts(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          createdAt\n          url\n        }\n      }\n    }\n  }\n}": types.PostsPageDocument,
    "query TwoCategories {\n  categoryInsights(ids: [\"601583\", \"999999\"]) {\n    id\n    title\n  }\n}": types.TwoCategoriesDocument,
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
export function graphql(source: "query CategoryTree($id: ID!) {\n  categoryInsight(id: $id) {\n    id\n    category {\n      id\n      name\n      label\n      level\n      parent {\n        id\n        name\n        level\n        parent {\n          id\n          name\n          level\n          parent {\n            id\n          }\n        }\n      }\n      path {\n        id\n        name\n        level\n      }\n    }\n  }\n}"): (typeof documents)["query CategoryTree($id: ID!) {\n  categoryInsight(id: $id) {\n    id\n    category {\n      id\n      name\n      label\n      level\n      parent {\n        id\n        name\n        level\n        parent {\n          id\n          name\n          level\n          parent {\n            id\n          }\n        }\n      }\n      path {\n        id\n        name\n        level\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query InsightCard($id: ID!, $region: Region, $timeScope: TimeScope) {\n  categoryInsight(id: $id, region: $region, timeScope: $timeScope) {\n    id\n    categoryId\n    region\n    timeScope\n    title\n    coverUrl\n    ecomType\n    category {\n      id\n      name\n      label\n      level\n    }\n    categoryPath {\n      id\n      name\n      level\n    }\n    audienceAges {\n      ageLevel\n      ageRange\n      score\n    }\n    audienceInterests {\n      name\n      score\n    }\n    hashtags\n    fetchedAt\n    posts(first: 5) {\n      totalCount\n      nodes {\n        id\n        createdAt\n        url\n      }\n    }\n  }\n}"): (typeof documents)["query InsightCard($id: ID!, $region: Region, $timeScope: TimeScope) {\n  categoryInsight(id: $id, region: $region, timeScope: $timeScope) {\n    id\n    categoryId\n    region\n    timeScope\n    title\n    coverUrl\n    ecomType\n    category {\n      id\n      name\n      label\n      level\n    }\n    categoryPath {\n      id\n      name\n      level\n    }\n    audienceAges {\n      ageLevel\n      ageRange\n      score\n    }\n    audienceInterests {\n      name\n      score\n    }\n    hashtags\n    fetchedAt\n    posts(first: 5) {\n      totalCount\n      nodes {\n        id\n        createdAt\n        url\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PostsPage($id: ID!, $first: Int, $after: String) {\n  categoryInsight(id: $id) {\n    id\n    posts(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          createdAt\n          url\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query PostsPage($id: ID!, $first: Int, $after: String) {\n  categoryInsight(id: $id) {\n    id\n    posts(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          createdAt\n          url\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query TwoCategories {\n  categoryInsights(ids: [\"601583\", \"999999\"]) {\n    id\n    title\n  }\n}"): (typeof documents)["query TwoCategories {\n  categoryInsights(ids: [\"601583\", \"999999\"]) {\n    id\n    title\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;