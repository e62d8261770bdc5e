/**
 * `npm run bench:precheck`: the credit pre-check's analysis of a fragment fan-out against
 * graphql-js `validate` of the same document, timed in turn in one run. Prints a table and writes
 * bench/results/precheck.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { schema } from '../src/schema/index.js';
import { analyzeOperation } from '../src/server/operation-analysis.js';
import { fragmentFanOut } from '../test/helpers/fragment-fan-out.js';
import { timeInterleaved } from './lib/percentiles.js';

const COUNT = Number(process.env.BENCH_COUNT ?? 200);
const NOW = new Date('2025-12-15T12:00:00Z');

const document = parse(fragmentFanOut());
const cases = [
  { name: '1,000 ids: refused at the list cap', ids: 1_000 },
  { name: '500 ids: every key priced', ids: 500 },
  { name: '1 id: the walk alone', ids: 1 },
];

const results = [];
for (const { name, ids: count } of cases) {
  const ids = Array.from({ length: count }, (_, index) => String(700_000 + index));
  const analyse = () => analyzeOperation(schema, document, null, { ids }, NOW);
  const outcome = analyse();
  const [analysis, validation] = await timeInterleaved(
    async () => analyse(),
    async () => validate(schema, document),
    COUNT,
  );
  results.push({
    name,
    outcome: 'refusal' in outcome ? outcome.refusal.extensions.code : `keys: ${outcome.keys.length}`,
    analysisMs: analysis,
    validateMs: validation,
    ratioP50: Number((analysis.p50 / validation.p50).toFixed(3)),
  });
}

console.log(`\nPre-check analysis vs graphql-js validate, same document, ${COUNT} runs each in turn\n`);
console.log(
  '| variables | analysis outcome | analysis p50 / p99 ms | validate p50 / p99 ms | analysis / validate |',
);
console.log('| --- | --- | ---: | ---: | ---: |');
for (const r of results) {
  console.log(
    `| ${r.name} | ${r.outcome} | ${r.analysisMs.p50} / ${r.analysisMs.p99} | ${r.validateMs.p50} / ${r.validateMs.p99} | ${r.ratioP50}× |`,
  );
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/precheck.json', import.meta.url),
  `${JSON.stringify({ runs: COUNT, results }, null, 2)}\n`,
);
