// Benchmark: persisting judgments one transaction each (JudgmentStore.put) in real Chromium IndexedDB.
// Drives bench/pages/store-bench.ts on a Vite dev server. Run: npm run bench:store [-- --runs 3 --judgments 1000]
import { parseArgs } from 'node:util';
import { load, openBenchPage, printTable } from './browser-page.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    judgments: { type: 'string', default: '1000' },
    text: { type: 'string', default: '3000' },
  },
});
const runs = Number(values.runs);
const n = Number(values.judgments);
const text = Number(values.text);

console.log(`bench:store starting, ${load()}`);
const bench = await openBenchPage('store.html');
const total = [];
const mean = [];
const p95 = [];
const rate = [];
try {
  for (let r = 0; r < runs; r++) {
    const s = await bench.page.evaluate(
      ([n, text]) => window.arbiterBench.persistEach(n, text),
      [n, text],
    );
    total.push(s.totalMs);
    mean.push(s.meanMs);
    p95.push(s.p95Ms);
    rate.push(s.judgmentsPerS);
  }
} finally {
  await bench.close();
}
printTable(`Store, real Chromium IndexedDB, one transaction per judgment (${load()})`, [
  {
    name: `persist ${n.toLocaleString('en')} judgments, one transaction each`,
    unit: 'ms',
    values: total,
  },
  { name: '  mean write', unit: 'ms', values: mean, digits: 3 },
  { name: '  95th percentile write', unit: 'ms', values: p95, digits: 3 },
  { name: '  throughput', unit: 'judgments/s', values: rate },
]);
