import { postById } from '../../domain/post.js';
import { builder } from '../builder.js';

const PostRef = builder.objectType('Post', {
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

// A post is derived entirely from its ID, so another subgraph's reference costs no upstream call.
// Async, so an invalid ID fails its own item of `_entities` rather than the whole list.
builder.asEntity(PostRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: async ({ id }) => postById(id),
});
