import {
  categoryPath,
  type EcomCategory,
  type EcomCategoryRef,
  isDescribed,
} from '../../domain/ecom-category.js';
import { parseCategoryId } from '../../domain/insight-key.js';
import { CREDITS_PER_CALL } from '../../loaders/budget/request-cost.js';
import type { InsightLoader } from '../../loaders/insight-loader.js';
import { builder } from '../builder.js';
import { scopeArgs } from './scope-args.js';

/**
 * A field of the category, looked up only for a reference known by its ID alone (see
 * InsightLoader.category); synchronous otherwise, so the answer keeps the order of the query.
 */
const described = <T>(
  category: EcomCategoryRef,
  insights: InsightLoader,
  pick: (known: EcomCategory) => T,
) => (isDescribed(category) ? pick(category) : insights.category(category.id).then(pick));

const EcomCategoryType = builder.objectType('EcomCategory', {
  description:
    'A category of the TikTok Shop product tree: level 1 (e.g. Beauty & Personal Care) to level 3 (e.g. Perfume).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The category ID.' }),
    name: t.string({
      description: 'Human-readable name, e.g. "Perfume".',
      resolve: (category, _args, { insights }) => described(category, insights, (known) => known.name),
    }),
    label: t.string({
      nullable: true,
      description: 'Machine label, e.g. "category_601583".',
      resolve: (category, _args, { insights }) => described(category, insights, (known) => known.label),
    }),
    level: t.int({
      description: 'Depth in the tree: 1, 2 or 3.',
      resolve: (category, _args, { insights }) => described(category, insights, (known) => known.level),
    }),
    parent: t.field({
      type: 'EcomCategory',
      nullable: true,
      description: 'The category one level up; null at level 1.',
      resolve: (category, _args, { insights }) => described(category, insights, (known) => known.parent),
    }),
    path: t.field({
      type: ['EcomCategory'],
      description: 'The chain from level 1 down to this category, inclusive.',
      resolve: (category, _args, { insights }) => described(category, insights, categoryPath),
    }),
    insight: t.field({
      type: 'CategoryInsight',
      nullable: true,
      description:
        "This category's insight in another region or time scope. Shares the operation's batching: a key already asked for costs nothing more. KeyAPI serves third-level categories.",
      args: scopeArgs(),
      cost: CREDITS_PER_CALL,
      resolve: (category, args, { insights }) => insights.load({ id: category.id, ...args }),
    }),
  }),
});

// Only the ID until a field needs more: the fields beside it may load an insight that names it.
builder.asEntity(EcomCategoryType, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: async ({ id }) => ({ id: parseCategoryId(id) }),
});

builder.queryField('category', (t) =>
  t.field({
    type: 'EcomCategory',
    description:
      'A category of the tree by ID, any level. Free when the gateway has seen it in any answer; otherwise its own insight is paid for (third-level IDs only).',
    args: { id: t.arg.id({ required: true, description: 'The category ID, digits only.' }) },
    resolve: (_root, { id }, { insights }) => insights.category(id),
  }),
);
