// Benchmark: importing through the real Datasets page in Chromium. (1) 10k pairs (~20 MB JSONL): time from picking the
// file to the preview, to "ready to import" and to the stored dataset; (2) main-thread JS heap after importing 200,000
// rows; long tasks in both. Run: npm run bench:import [-- --runs 3 --no-build]
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBuiltApp } from './browser-page.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'no-build': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);

function file(name, n, padTo) {
  const path = join(tmpdir(), name);
  const lines = [];
  for (let i = 0; i < n; i++) {
    const base = {
      id: `r${i}`,
      prompt: `Question ${i}: `,
      response_a: `Answer A ${i}: `,
      response_b: `Answer B ${i}: `,
      label: i % 2 ? 'A' : 'B',
    };
    const fill = Math.max(0, Math.floor((padTo - JSON.stringify(base).length) / 3));
    const words = 'the quick brown fox jumps over the lazy dog '.repeat(Math.ceil(fill / 44) + 1);
    base.prompt += words.slice(0, fill);
    base.response_a += words.slice(0, fill);
    base.response_b += words.slice(0, fill);
    lines.push(JSON.stringify(base));
  }
  const text = lines.join('\n') + '\n';
  writeFileSync(path, text);
  return { path, bytes: Buffer.byteLength(text) };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};

const app = await openBuiltApp({
  build: !values['no-build'],
  chromiumArgs: ['--js-flags=--expose-gc'],
});
const { base, browser } = app;

async function fresh() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}#/datasets`);
  await page.getByTestId('import-drop').waitFor();
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.__long.push(e.duration);
    }).observe({ type: 'longtask' });
  });
  return { context, page };
}

const phase = (page, ps, timeout = 600_000) =>
  page.waitForFunction(
    (ps) =>
      ps.includes(
        document.querySelector('[data-testid="import-status"]')?.getAttribute('data-phase') ?? '',
      ),
    ps,
    { timeout, polling: 20 },
  );

async function importOnce(page, path) {
  const t0 = Date.now();
  await page.getByTestId('import-file').setInputFiles(path);
  await page.getByTestId('import-preview').waitFor({ timeout: 600_000 });
  const preview = Date.now() - t0;
  await page.waitForFunction(
    () => !document.querySelector('[data-testid="import-start"]')?.disabled,
    null,
    { timeout: 600_000, polling: 20 },
  );
  const ready = Date.now() - t0;
  await page.getByTestId('import-start').click();
  await phase(page, ['done', 'failed']);
  const p = await page.getByTestId('import-status').getAttribute('data-phase');
  if (p !== 'done')
    throw new Error(`import ${p}: ${await page.getByTestId('import-status').textContent()}`);
  const done = Date.now() - t0;
  const long = await page.evaluate(() => window.__long);
  return { preview, ready, done, longMax: Math.max(0, ...long), longCount: long.length };
}

const rows = [];
try {
  const f10k = file('arbiter-bench-10k.jsonl', 10_000, 2000);
  const r10 = [];
  for (let i = 0; i < runs; i++) {
    const { context, page } = await fresh();
    r10.push(await importOnce(page, f10k.path));
    await context.close();
  }
  const mb = (f10k.bytes / 1e6).toFixed(1);
  rows.push([`10k pairs (${mb} MB): preview shown`, 'ms', stats(r10.map((r) => r.preview))]);
  rows.push([
    `10k pairs (${mb} MB): file read, ready to import`,
    'ms',
    stats(r10.map((r) => r.ready)),
  ]);
  rows.push([`10k pairs (${mb} MB): stored, dataset listed`, 'ms', stats(r10.map((r) => r.done))]);
  rows.push(['10k pairs: longest main-thread task', 'ms', stats(r10.map((r) => r.longMax))]);

  const f200 = file('arbiter-bench-200k.jsonl', 200_000, 250);
  const heap = [];
  const before = [];
  const r200 = [];
  for (let i = 0; i < Math.min(runs, 2); i++) {
    const { context, page } = await fresh();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const used = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((m) => m.name === 'JSHeapUsedSize').value / 2 ** 20;
    };
    before.push(await used());
    r200.push(await importOnce(page, f200.path));
    heap.push(await used());
    await context.close();
  }
  const mb2 = (f200.bytes / 1e6).toFixed(1);
  rows.push([`200k rows (${mb2} MB): stored`, 'ms', stats(r200.map((r) => r.done))]);
  rows.push(['200k rows: longest main-thread task', 'ms', stats(r200.map((r) => r.longMax))]);
  rows.push(['JS heap (main) before import', 'MiB', stats(before)]);
  rows.push(['JS heap (main) after importing 200k rows', 'MiB', stats(heap)]);
} finally {
  await app.close();
}

const fmt = (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
console.log(`\nImport benchmark (${runs} runs; Chromium ${browser.version?.() ?? ''})`);
console.log('| measure | unit | min | median | max |');
console.log('|---|---|---|---|---|');
for (const [name, unit, s] of rows)
  console.log(`| ${name} | ${unit} | ${fmt(s.min)} | ${fmt(s.median)} | ${fmt(s.max)} |`);
