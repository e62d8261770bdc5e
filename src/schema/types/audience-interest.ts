import { builder } from '../builder.js';

builder.objectType('AudienceInterest', {
  description:
    "An interest of a category's audience. KeyAPI does not document this shape; the gateway reads what arrives and skips entries it cannot read.",
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The interest, as KeyAPI names it.' }),
    score: t.exposeFloat('score', { nullable: true, description: 'Its weight, when KeyAPI gives one.' }),
  }),
});
