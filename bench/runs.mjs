// Benchmark: batch runs in real Chromium — persisting 10,000 judgments the way the runner does, and the gap between generations.
// Drives bench/pages/store-bench.ts (the real store, runner and deterministic engine) on a Vite dev server.
// Run: npm run bench:runs [-- --runs 3 --judgments 10000 --text 3000 --items 30 --tps 300]
import { parseArgs } from 'node:util';
import { load, median, openBenchPage, printTable } from './browser-page.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    judgments: { type: 'string', default: '10000' },
    // Characters of judgment text per record (reasoning + verdict); real thinking judges write 1–4 KB.
    text: { type: 'string', default: '3000' },
    items: { type: 'string', default: '30' },
    tps: { type: 'string', default: '300' },
    // Judgments timed one transaction each (scaled up to --judgments).
    each: { type: 'string', default: '1000' },
  },
});
const runs = Number(values.runs);
const n = Number(values.judgments);
const text = Number(values.text);
const each = Number(values.each);
const items = Number(values.items);
const tps = Number(values.tps);
const nf = (x) => x.toLocaleString('en');

console.log(`bench:runs starting, ${load()}`);
const bench = await openBenchPage('store.html');
const rows = [];
const row = (name, unit, extra = {}) => {
  const r = { name, unit, values: [], ...extra };
  rows.push(r);
  return r.values;
};
const sizes = [64, 500];
const bySize = {};
for (const s of sizes) {
  bySize[s] = {
    store: row(
      `persist ${nf(n)} judgments, ${s} per transaction + run progress: store time`,
      'ms',
      {
        goal: '< 3000',
      },
    ),
    tx: row('  median transaction', 'ms'),
    renderer: row('  Chromium CPU, renderer (page)', 'ms'),
    browser: row('  Chromium CPU, browser process (IndexedDB backend)', 'ms'),
    total: row('  Chromium CPU, all processes', 'ms'),
  };
}
const eachMs = row(
  `persist ${nf(n)} judgments one transaction each (${nf(each)} timed, scaled)`,
  'ms',
);
const gaps = row(`gap between generations, ${items} items both orders at ${tps} tok/s`, 'ms', {
  digits: 2,
});
const gapMedians = row('  median gap per run', 'ms', { digits: 2 });
let recordBytes = 0;

try {
  for (let r = 0; r < runs; r++) {
    for (const size of sizes) {
      const c0 = bench.cpuByType();
      const res = await bench.page.evaluate(
        ([n, size, text]) => window.arbiterBench.persistBatches(n, size, text),
        [n, size, text],
      );
      const c1 = bench.cpuByType();
      const cpu = (type) => ((c1.byType[type] ?? 0) - (c0.byType[type] ?? 0)) * 1000;
      if (res.stored !== n) throw new Error(`stored ${res.stored} of ${n} judgments`);
      const m = bySize[size];
      m.store.push(res.storeMs);
      m.tx.push(res.txMedianMs);
      m.renderer.push(cpu('renderer'));
      m.browser.push(cpu('browser'));
      m.total.push((c1.total - c0.total) * 1000);
      recordBytes = res.recordBytes;
      console.log(
        `  run ${r + 1}: ${size}/tx ${res.storeMs.toFixed(0)} ms store time, ${res.transactions} transactions, CPU ${((c1.total - c0.total) * 1000).toFixed(0)} ms (${load()})`,
      );
    }
    const e = await bench.page.evaluate(
      ([each, text]) => window.arbiterBench.persistEach(each, text),
      [each, text],
    );
    eachMs.push(e.totalMs * (n / each));
    const g = await bench.page.evaluate(
      ([items, tps]) => window.arbiterBench.gapRun(items, tps),
      [items, tps],
    );
    if (g.status !== 'done' || g.generations !== items * 2)
      throw new Error(`gap run ended ${g.status} with ${g.generations} judgments`);
    gaps.push(...g.gaps);
    gapMedians.push(median(g.gaps));
  }
} finally {
  await bench.close();
}

printTable(
  `Batch runs, real Chromium IndexedDB (${runs} runs; one record ≈ ${nf(recordBytes)} bytes; ${load()})`,
  rows,
);
