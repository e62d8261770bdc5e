/**
 * The shape of finding 1: the operation spreads F1 30 times, F1 spreads F2 30 times, F2 spreads
 * F3 30 times, so 27,000 paths lead to the one list field in F3.
 */
export function fragmentFanOut(): string {
  const spreads = (name: string) => Array.from({ length: 30 }, () => `...${name}`).join(' ');
  return [
    `query FanOut($ids: [ID!]!) { ${spreads('F1')} }`,
    `fragment F1 on Query { ${spreads('F2')} }`,
    `fragment F2 on Query { ${spreads('F3')} }`,
    'fragment F3 on Query { categoryInsights(ids: $ids) { id } }',
  ].join('\n');
}
