/** The operation a dashboard card sends: the request every warm-path server answers. */
export const DASHBOARD_QUERY = `query InsightCard($id: ID!, $region: Region, $timeScope: TimeScope) {
  categoryInsight(id: $id, region: $region, timeScope: $timeScope) {
    id title coverUrl
    category { id name level path { id name } }
    audienceAges { ageRange score }
    hashtags
    posts(first: 5) { totalCount nodes { id createdAt url } }
  }
}`;

export const DASHBOARD_VARIABLES = { id: '601583', region: 'US', timeScope: '7' };

export const DASHBOARD_BODY = JSON.stringify({
  query: DASHBOARD_QUERY,
  variables: DASHBOARD_VARIABLES,
  operationName: 'InsightCard',
});
