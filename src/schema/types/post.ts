import { builder } from '../builder.js';

builder.objectType('Post', {
  description: 'A TikTok post among the top posts of a category.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The TikTok post ID (a 64-bit number, as a string).' }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When the post was published, read from its ID.',
      resolve: (post) => post.createdAt,
    }),
    url: t.exposeString('url', { description: 'Link that opens the post on tiktok.com.' }),
  }),
});
