/** What a new GraphiQL tab shows: the nested fields a dashboard card needs, ready to run. */
export const GRAPHIQL_DEFAULT_QUERY = /* GraphQL */ `# TikTok Shop category insights. Each distinct (id, region, timeScope)
# costs one KeyAPI call (2 credits); repeats in one operation are free.
query PerfumeInsight {
  categoryInsight(id: "601583", region: "US", timeScope: 7) {
    id
    title
    category {
      name
      level
      path { id name level }
    }
    audienceAges { ageRange score }
    hashtags
    posts(first: 3) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id createdAt url }
    }
  }
}
`;
