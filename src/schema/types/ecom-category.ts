import { categoryPath } from '../../domain/ecom-category.js';
import { builder } from '../builder.js';
import { scopeArgs } from './scope-args.js';

const EcomCategoryRef = builder.objectType('EcomCategory', {
  description:
    'A category of the TikTok Shop product tree: level 1 (e.g. Beauty & Personal Care) to level 3 (e.g. Perfume).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The category ID.' }),
    name: t.exposeString('name', { description: 'Human-readable name, e.g. "Perfume".' }),
    label: t.exposeString('label', { nullable: true, description: 'Machine label, e.g. "category_601583".' }),
    level: t.exposeInt('level', { description: 'Depth in the tree: 1, 2 or 3.' }),
    parent: t.field({
      type: 'EcomCategory',
      nullable: true,
      description: 'The category one level up; null at level 1.',
      resolve: (category) => category.parent,
    }),
    path: t.field({
      type: ['EcomCategory'],
      description: 'The chain from level 1 down to this category, inclusive.',
      resolve: (category) => categoryPath(category),
    }),
    insight: t.field({
      type: 'CategoryInsight',
      nullable: true,
      description:
        "This category's insight in another region or time scope. Shares the operation's batching: a key already asked for costs nothing more. KeyAPI serves third-level categories.",
      args: scopeArgs(),
      cost: 2,
      resolve: (category, args, { insights }) => insights.load({ id: category.id, ...args }),
    }),
  }),
});

builder.asEntity(EcomCategoryRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: ({ id }, { insights }) => insights.loadCategory(id),
});
