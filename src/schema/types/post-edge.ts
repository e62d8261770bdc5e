import { builder } from '../builder.js';

builder.objectType('PostEdge', {
  description: 'A post and its cursor.',
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'Pass as `after` to continue after this post.' }),
    node: t.field({ type: 'Post', description: 'The post.', resolve: (edge) => edge.node }),
  }),
});
