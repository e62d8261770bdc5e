import { InvalidArgumentError } from '../../domain/invalid-argument-error.js';
import { checkPostPageArgs, paginatePosts } from '../../domain/post.js';
import { CREDITS_PER_CALL } from '../../loaders/budget/request-cost.js';
import { insightSource } from '../../loaders/insight-source.js';
import { builder } from '../builder.js';
import { scopeArgs } from './scope-args.js';

const CategoryInsightRef = builder.objectType('CategoryInsight', {
  description:
    'What TikTok Shop knows about one third-level product category, in one region over one time scope: its audience, hashtags and top posts. Each costs one KeyAPI call (2 credits) the first time it is asked for in an operation.',
  fields: (t) => ({
    id: t.exposeID('id', {
      description:
        'Unique per (categoryId, region, timeScope), as "categoryId:region:timeScope", so client caches never merge two regions or scopes of one category.',
    }),
    categoryId: t.id({
      description: 'The third-level category ID asked for.',
      resolve: (insight) => insight.key.categoryId,
    }),
    region: t.field({
      type: 'Region',
      description: 'The region asked for, canonical.',
      resolve: (insight) => insight.key.region,
    }),
    timeScope: t.field({
      type: 'TimeScope',
      description: 'The time scope asked for, as a string.',
      resolve: (insight) => insight.key.timeScope,
    }),
    title: t.exposeString('title', {
      nullable: true,
      description: 'Display title of the category, e.g. "Perfume".',
    }),
    coverUrl: t.exposeString('coverUrl', {
      nullable: true,
      description: 'Cover image URL, when KeyAPI has one.',
    }),
    ecomType: t.exposeString('ecomType', {
      nullable: true,
      description: 'Level of the category in the TikTok Shop tree as KeyAPI names it, e.g. "l3".',
    }),
    category: t.field({
      type: 'EcomCategory',
      nullable: true,
      description: 'The deepest category of the answer (normally the third-level category asked for).',
      resolve: (insight) => insight.categoryPath.at(-1) ?? null,
    }),
    categoryPath: t.field({
      type: ['EcomCategory'],
      description: 'The category chain, level 1 first, ending with `category`.',
      resolve: (insight) => insight.categoryPath,
    }),
    audienceAges: t.field({
      type: ['AudienceAge'],
      description: "The audience's age brackets, youngest first; scores are percentages.",
      resolve: (insight) => insight.audienceAges,
    }),
    audienceInterests: t.field({
      type: ['AudienceInterest'],
      description: "The audience's interests, as far as KeyAPI's undocumented shape can be read.",
      resolve: (insight) => insight.audienceInterests,
    }),
    hashtags: t.exposeStringList('hashtags', {
      description: 'Hashtags trending with the category, in any script.',
    }),
    posts: t.field({
      type: 'PostConnection',
      description: 'Top posts of the category (at most 50), as a Relay connection.',
      args: {
        first: t.arg.int({ description: 'How many posts to return; all that remain when omitted.' }),
        after: t.arg.string({
          description: 'Return posts after this cursor (an `endCursor` or edge `cursor`).',
        }),
      },
      extensions: { validateArgs: checkPostPageArgs },
      resolve: (insight, args) => paginatePosts(insight.postIds, args),
    }),
    fetchedAt: t.field({
      type: 'DateTime',
      description: 'When the gateway fetched this answer from KeyAPI.',
      resolve: (insight) => insight.fetchedAt,
    }),
  }),
});

// Either key leads through the request's loader, so references batch and deduplicate with every
// other path to an insight in the operation.
builder.asEntity(CategoryInsightRef, {
  key: [
    builder.selection<{ id: string }>('id'),
    builder.selection<{ categoryId: string; region: string; timeScope: string }>(
      'categoryId region timeScope',
    ),
  ],
  resolveReference: (reference, { insights }) =>
    'id' in reference
      ? insights.loadId(reference.id)
      : insights.load({ ...reference, id: reference.categoryId }),
});

builder.queryFields((t) => ({
  categoryInsight: t.field({
    type: 'CategoryInsight',
    nullable: true,
    description: 'Insight for one third-level category. Null, with an error, when KeyAPI fails for it.',
    args: {
      id: t.arg.id({
        required: true,
        description: 'Third-level category ID, digits only, e.g. "601583" (Perfume).',
      }),
      ...scopeArgs(),
    },
    // Credits, for routers' demand control and for the pre-check, which reads this weight.
    cost: CREDITS_PER_CALL,
    extensions: { paidCalls: (args) => [{ source: insightSource, args }] },
    resolve: (_root, args, { insights }) => insights.load(args),
  }),
  categoryInsights: t.field({
    type: ['CategoryInsight'],
    nullable: { list: false, items: true },
    description:
      'Insights for several categories in one region and time scope, in the order of `ids`. An item KeyAPI fails for is null, with an error for its index; the others keep their data. Repeated IDs cost one call.',
    args: {
      ids: t.arg.idList({ required: true, description: 'Third-level category IDs, digits only.' }),
      ...scopeArgs(),
    },
    // 2 credits per item. The cost spec sizes lists only by Int slicing arguments (composition
    // rejects a list-typed `ids`), so routers assume the most `ids` may list.
    cost: CREDITS_PER_CALL,
    listSize: { assumedSize: MAX_IDS_PER_LIST },
    extensions: {
      validateArgs: ({ ids }) => checkIdCount(ids),
      paidCalls: ({ ids, region, timeScope }) =>
        ids.map((id) => ({ source: insightSource, args: { id, region, timeScope } })),
    },
    resolve: (_root, { ids, region, timeScope }, { insights }) =>
      ids.map((id) => insights.load({ id, region, timeScope })),
  }),
}));

// Far more than a page shows at once, and it bounds what the pre-check does for one list.
const MAX_IDS_PER_LIST = 500;

function checkIdCount(ids: readonly string[]): void {
  if (ids.length > MAX_IDS_PER_LIST) {
    throw new InvalidArgumentError(
      'ids',
      `ids may list at most ${MAX_IDS_PER_LIST} categories; got ${ids.length}`,
    );
  }
}
