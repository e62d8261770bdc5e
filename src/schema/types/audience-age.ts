import { builder } from '../builder.js';

builder.objectType('AudienceAge', {
  description: "One age bracket of a category's audience.",
  fields: (t) => ({
    ageLevel: t.exposeInt('ageLevel', {
      description: 'Lower bound of the bracket in years: 18, 25, 35, 45 or 55.',
    }),
    ageRange: t.exposeString('ageRange', { description: 'The bracket as text: "18-24", "25-34", … "55+".' }),
    score: t.exposeInt('score', { description: 'Share of the audience in this bracket, in percent.' }),
  }),
});
