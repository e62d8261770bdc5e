import { builder } from '../builder.js';

builder.objectType('PostConnection', {
  description: 'A page of the top posts of a category.',
  fields: (t) => ({
    edges: t.field({
      type: ['PostEdge'],
      description: 'The posts of this page with their cursors.',
      resolve: (page) => page.edges,
    }),
    nodes: t.field({
      type: ['Post'],
      description: 'The posts of this page, without cursors.',
      resolve: (page) => page.edges.map((edge) => edge.node),
    }),
    pageInfo: t.field({
      type: 'PageInfo',
      description: 'Where this page sits.',
      resolve: (page) => page.pageInfo,
    }),
    totalCount: t.exposeInt('totalCount', { description: 'Posts in the whole list, across all pages.' }),
  }),
});
