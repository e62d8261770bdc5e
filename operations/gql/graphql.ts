/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A point in time as an ISO 8601 string in UTC, e.g. "2025-04-07T12:30:00.000Z". */
  DateTime: { input: string; output: string; }
  /** "all_regions" or a two-letter country code such as "US"; input is case-insensitive (us = US), output is canonical ("US", "all_regions"). */
  Region: { input: string; output: string; }
  /** The period an insight covers: 1, 7 or 30 (the past days; as a string or an Int literal) or a month as "YYYY-MM". A month is served once three calendar months have passed it (in 2025-12 the newest is "2025-09"). Always output as a string. */
  TimeScope: { input: string; output: string; }
};

/** One age bracket of a category's audience. */
export type AudienceAge = {
  __typename?: 'AudienceAge';
  /** Lower bound of the bracket in years: 18, 25, 35, 45 or 55. */
  ageLevel: Scalars['Int']['output'];
  /** The bracket as text: "18-24", "25-34", … "55+". */
  ageRange: Scalars['String']['output'];
  /** Share of the audience in this bracket, in percent. */
  score: Scalars['Int']['output'];
};

/** An interest of a category's audience. KeyAPI does not document this shape; the gateway reads what arrives and skips entries it cannot read. */
export type AudienceInterest = {
  __typename?: 'AudienceInterest';
  /** The interest, as KeyAPI names it. */
  name: Scalars['String']['output'];
  /** Its weight, when KeyAPI gives one. */
  score?: Maybe<Scalars['Float']['output']>;
};

/** What TikTok Shop knows about one third-level product category, in one region over one time scope: its audience, hashtags and top posts. Each costs one KeyAPI call (2 credits) the first time it is asked for in an operation. */
export type CategoryInsight = {
  __typename?: 'CategoryInsight';
  /** The audience's age brackets, youngest first; scores are percentages. */
  audienceAges: Array<AudienceAge>;
  /** The audience's interests, as far as KeyAPI's undocumented shape can be read. */
  audienceInterests: Array<AudienceInterest>;
  /** The deepest category of the answer (normally the third-level category asked for). */
  category?: Maybe<EcomCategory>;
  /** The third-level category ID asked for. */
  categoryId: Scalars['ID']['output'];
  /** The category chain, level 1 first, ending with `category`. */
  categoryPath: Array<EcomCategory>;
  /** Cover image URL, when KeyAPI has one. */
  coverUrl?: Maybe<Scalars['String']['output']>;
  /** Level of the category in the TikTok Shop tree as KeyAPI names it, e.g. "l3". */
  ecomType?: Maybe<Scalars['String']['output']>;
  /** When the gateway fetched this answer from KeyAPI. */
  fetchedAt: Scalars['DateTime']['output'];
  /** Hashtags trending with the category, in any script. */
  hashtags: Array<Scalars['String']['output']>;
  /** Unique per (categoryId, region, timeScope), as "categoryId:region:timeScope", so client caches never merge two regions or scopes of one category. */
  id: Scalars['ID']['output'];
  /** Top posts of the category (at most 50), as a Relay connection. */
  posts: PostConnection;
  /** The region asked for, canonical. */
  region: Scalars['Region']['output'];
  /** The time scope asked for, as a string. */
  timeScope: Scalars['TimeScope']['output'];
  /** Display title of the category, e.g. "Perfume". */
  title?: Maybe<Scalars['String']['output']>;
};


/** What TikTok Shop knows about one third-level product category, in one region over one time scope: its audience, hashtags and top posts. Each costs one KeyAPI call (2 credits) the first time it is asked for in an operation. */
export type CategoryInsightPostsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A category of the TikTok Shop product tree: level 1 (e.g. Beauty & Personal Care) to level 3 (e.g. Perfume). */
export type EcomCategory = {
  __typename?: 'EcomCategory';
  /** The category ID. */
  id: Scalars['ID']['output'];
  /** This category's insight in another region or time scope. Shares the operation's batching: a key already asked for costs nothing more. KeyAPI serves third-level categories. */
  insight?: Maybe<CategoryInsight>;
  /** Machine label, e.g. "category_601583". */
  label?: Maybe<Scalars['String']['output']>;
  /** Depth in the tree: 1, 2 or 3. */
  level: Scalars['Int']['output'];
  /** Human-readable name, e.g. "Perfume". */
  name: Scalars['String']['output'];
  /** The category one level up; null at level 1. */
  parent?: Maybe<EcomCategory>;
  /** The chain from level 1 down to this category, inclusive. */
  path: Array<EcomCategory>;
};


/** A category of the TikTok Shop product tree: level 1 (e.g. Beauty & Personal Care) to level 3 (e.g. Perfume). */
export type EcomCategoryInsightArgs = {
  region?: InputMaybe<Scalars['Region']['input']>;
  timeScope?: InputMaybe<Scalars['TimeScope']['input']>;
};

/** Where a page sits in its list (Relay cursor connections). */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last item; null on an empty page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** More items follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Items precede this page. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first item; null on an empty page. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** A TikTok post among the top posts of a category. */
export type Post = {
  __typename?: 'Post';
  /** When the post was published, read from its ID. */
  createdAt: Scalars['DateTime']['output'];
  /** The TikTok post ID (a 64-bit number, as a string). */
  id: Scalars['ID']['output'];
  /** Link that opens the post on tiktok.com. */
  url: Scalars['String']['output'];
};

/** A page of the top posts of a category. */
export type PostConnection = {
  __typename?: 'PostConnection';
  /** The posts of this page with their cursors. */
  edges: Array<PostEdge>;
  /** The posts of this page, without cursors. */
  nodes: Array<Post>;
  /** Where this page sits. */
  pageInfo: PageInfo;
  /** Posts in the whole list, across all pages. */
  totalCount: Scalars['Int']['output'];
};

/** A post and its cursor. */
export type PostEdge = {
  __typename?: 'PostEdge';
  /** Pass as `after` to continue after this post. */
  cursor: Scalars['String']['output'];
  /** The post. */
  node: Post;
};

/** TikTok Shop category insights from KeyAPI, batched and deduplicated. */
export type Query = {
  __typename?: 'Query';
  /** A category of the tree by ID, any level. Free when the gateway has seen it in any answer; otherwise its own insight is paid for (third-level IDs only). */
  category: EcomCategory;
  /** Insight for one third-level category. Null, with an error, when KeyAPI fails for it. */
  categoryInsight?: Maybe<CategoryInsight>;
  /** Insights for several categories in one region and time scope, in the order of `ids`. An item KeyAPI fails for is null, with an error for its index; the others keep their data. Repeated IDs cost one call. */
  categoryInsights: Array<Maybe<CategoryInsight>>;
};


/** TikTok Shop category insights from KeyAPI, batched and deduplicated. */
export type QueryCategoryArgs = {
  id: Scalars['ID']['input'];
};


/** TikTok Shop category insights from KeyAPI, batched and deduplicated. */
export type QueryCategoryInsightArgs = {
  id: Scalars['ID']['input'];
  region?: InputMaybe<Scalars['Region']['input']>;
  timeScope?: InputMaybe<Scalars['TimeScope']['input']>;
};


/** TikTok Shop category insights from KeyAPI, batched and deduplicated. */
export type QueryCategoryInsightsArgs = {
  ids: Array<Scalars['ID']['input']>;
  region?: InputMaybe<Scalars['Region']['input']>;
  timeScope?: InputMaybe<Scalars['TimeScope']['input']>;
};

export type CategoryTreeQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type CategoryTreeQuery = { __typename: 'Query', categoryInsight?: { __typename: 'CategoryInsight', id: string, category?: { __typename: 'EcomCategory', id: string, name: string, label?: string | null, level: number, parent?: { __typename: 'EcomCategory', id: string, name: string, level: number, parent?: { __typename: 'EcomCategory', id: string, name: string, level: number, parent?: { __typename: 'EcomCategory', id: string } | null } | null } | null, path: Array<{ __typename: 'EcomCategory', id: string, name: string, level: number }> } | null } | null };

export type InsightCardQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  region?: InputMaybe<Scalars['Region']['input']>;
  timeScope?: InputMaybe<Scalars['TimeScope']['input']>;
}>;


export type InsightCardQuery = { __typename: 'Query', categoryInsight?: { __typename: 'CategoryInsight', id: string, categoryId: string, region: string, timeScope: string, title?: string | null, coverUrl?: string | null, ecomType?: string | null, hashtags: Array<string>, fetchedAt: string, category?: { __typename: 'EcomCategory', id: string, name: string, label?: string | null, level: number } | null, categoryPath: Array<{ __typename: 'EcomCategory', id: string, name: string, level: number }>, audienceAges: Array<{ __typename: 'AudienceAge', ageLevel: number, ageRange: string, score: number }>, audienceInterests: Array<{ __typename: 'AudienceInterest', name: string, score?: number | null }>, posts: { __typename: 'PostConnection', totalCount: number, nodes: Array<{ __typename: 'Post', id: string, createdAt: string, url: string }> } } | null };

export type PostsPageQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type PostsPageQuery = { __typename: 'Query', categoryInsight?: { __typename: 'CategoryInsight', id: string, posts: { __typename: 'PostConnection', totalCount: number, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, hasPreviousPage: boolean, startCursor?: string | null, endCursor?: string | null }, edges: Array<{ __typename: 'PostEdge', cursor: string, node: { __typename: 'Post', id: string, createdAt: string, url: string } }> } } | null };

export type TwoCategoriesQueryVariables = Exact<{ [key: string]: never; }>;


export type TwoCategoriesQuery = { __typename: 'Query', categoryInsights: Array<{ __typename: 'CategoryInsight', id: string, title?: string | null } | null> };


export const CategoryTreeDocument = {"__meta__":{"hash":"7bb48f53de57931971d77b2e0dde2e8c433c98649e3f1e630c9cc97199b90210"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CategoryTree"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"categoryInsight"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"category"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"path"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}}]}}]}}]}}]}}]} as unknown as DocumentNode<CategoryTreeQuery, CategoryTreeQueryVariables>;
export const InsightCardDocument = {"__meta__":{"hash":"c6bc0a35c69fe03ef03814120cd57165408cd0467a8244c8f211f199dfd85889"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"InsightCard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"region"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Region"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"timeScope"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"TimeScope"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"categoryInsight"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"region"},"value":{"kind":"Variable","name":{"kind":"Name","value":"region"}}},{"kind":"Argument","name":{"kind":"Name","value":"timeScope"},"value":{"kind":"Variable","name":{"kind":"Name","value":"timeScope"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"categoryId"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"timeScope"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"coverUrl"}},{"kind":"Field","name":{"kind":"Name","value":"ecomType"}},{"kind":"Field","name":{"kind":"Name","value":"category"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"level"}}]}},{"kind":"Field","name":{"kind":"Name","value":"categoryPath"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}}]}},{"kind":"Field","name":{"kind":"Name","value":"audienceAges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"ageLevel"}},{"kind":"Field","name":{"kind":"Name","value":"ageRange"}},{"kind":"Field","name":{"kind":"Name","value":"score"}}]}},{"kind":"Field","name":{"kind":"Name","value":"audienceInterests"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"score"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hashtags"}},{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}},{"kind":"Field","name":{"kind":"Name","value":"posts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}}]}}]}}]}}]} as unknown as DocumentNode<InsightCardQuery, InsightCardQueryVariables>;
export const PostsPageDocument = {"__meta__":{"hash":"0df982e2b6f952f7b3b887101c75dd664e405bd89b2850e58092adf51eac67c4"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PostsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"categoryInsight"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"posts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<PostsPageQuery, PostsPageQueryVariables>;
export const TwoCategoriesDocument = {"__meta__":{"hash":"246ff4b52ed59e71a6a77e81237f1f9002769c95408fecf314c24345a837b7c5"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TwoCategories"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"categoryInsights"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"ListValue","values":[{"kind":"StringValue","value":"601583","block":false},{"kind":"StringValue","value":"999999","block":false}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}}]}}]} as unknown as DocumentNode<TwoCategoriesQuery, TwoCategoriesQueryVariables>;