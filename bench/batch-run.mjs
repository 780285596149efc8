// Benchmark: main-thread long tasks during a real batch run, started from the Runs page of the e2e build (test engine).
// Paced at about 1,000 judgments/min and unpaced (as fast as it goes); a 'longtask' PerformanceObserver counts
// every task over 50 ms from the run's start to its end, and long-animation-frame entries name the scripts.
// Run: npm run bench:batch [-- --judgments 10000 --runs 1 --paced-judgments 2000 --skip-build --scripts]
import { parseArgs } from 'node:util';
import { load, openBuiltApp, printTable } from './browser-page.mjs';

const { values } = parseArgs({
  options: {
    judgments: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '1' },
    // A paced run takes a minute per 1,000 judgments: it is cancelled after this many (0: to the end).
    'paced-judgments': { type: 'string', default: '3000' },
    modes: { type: 'string', default: 'unpaced,paced' },
    'skip-build': { type: 'boolean', default: false },
    // Print the scripts behind the longest frames (long-animation-frame attribution).
    scripts: { type: 'boolean', default: false },
    // Sample the main thread's JS (CDP Profiler) and print the functions with most inclusive time.
    profile: { type: 'boolean', default: false },
  },
});
const judgments = Number(values.judgments);
const items = Math.ceil(judgments / 2);
const nf = (x) => x.toLocaleString('en');

// Test engine pacing: ~60 ms a judgment (60 tokens at 1,000 tok/s, plus a few ms of prefill).
const PACED = { tps: '1000', tokens: '60' };
const UNPACED = { tps: '1000000', tokens: '0' };

console.log(`bench:batch starting, ${load()}`);
const app = await openBuiltApp({
  mode: 'e2e',
  outDir: 'node_modules/.arbiter-bench-batch',
  minify: false,
  build: !values['skip-build'],
});
const rows = [];
const row = (name, unit, extra = {}) => {
  const r = { name, unit, values: [], ...extra };
  rows.push(r);
  return r.values;
};

const step = (what) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${what}`);

/** One run from the UI; resolves with the long tasks seen between its start and its end. */
async function oneRun(mode) {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(new URL('#/runs', app.base).href);
  // The app has opened its database once the Runs page shows its heading.
  await page.locator('h1').first().waitFor({ timeout: 120_000 });
  step('app open');
  const pace = mode === 'paced' ? PACED : UNPACED;
  await page.evaluate(
    async ({ n, pace }) => {
      localStorage.setItem('arbiter.test.tps', pace.tps);
      localStorage.setItem('arbiter.test.tokens', pace.tokens);
      localStorage.setItem('arbiter.test.loadMs', '50');
      const db = await new Promise((res, rej) => {
        const r = indexedDB.open('arbiter');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const tx = db.transaction(['datasets', 'items'], 'readwrite');
      tx.objectStore('datasets').put({
        id: 'ds-batch',
        name: `Batch ${n}`,
        source: 'bench',
        format: 'arbiter',
        itemCount: n,
        createdAt: Date.now(),
      });
      for (let i = 0; i < n; i++) {
        tx.objectStore('items').put({
          id: `ds-batch-${i}`,
          datasetId: 'ds-batch',
          index: i,
          prompt: `Question ${i}: name a prime number above ${i * 10}.`,
          responseA: `${i % 2 ? '✔' : ''} A prime: ${i * 10 + 1}.`,
          responseB: `${i % 2 ? '✘' : ''} Not sure.`,
          label: 'A',
          category: i % 3 === 0 ? 'math' : 'other',
          meta: {},
        });
      }
      await new Promise((res, rej) => {
        tx.oncomplete = () => res();
        tx.onerror = () => rej(tx.error);
      });
      db.close();
    },
    { n: items, pace },
  );
  await page.reload();
  step('dataset seeded');
  await page.goto(new URL('#/models', app.base).href);
  await page.locator('input[name=model][value="arbiter-test-judge"]').check();
  await page.getByTestId('load-model').click();
  await page.getByTestId('model-ready').waitFor({ timeout: 120_000 });
  step('model loaded');
  await page.goto(new URL('#/runs', app.base).href);
  await page.getByTestId('run-estimate').getByText('Estimate:').waitFor({ timeout: 120_000 });
  // Let the page settle (estimate, lists) before the observer starts.
  await page.waitForTimeout(1000);
  await page.evaluate(() => {
    const w = window;
    w.__long = [];
    w.__frames = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) w.__long.push({ start: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask' });
    new PerformanceObserver((l) => {
      for (const e of l.getEntries())
        if (e.blockingDuration > 0)
          w.__frames.push({
            ms: e.duration,
            blocking: e.blockingDuration,
            scripts: e.scripts.map((s) => ({
              ms: s.duration,
              invoker: s.invoker,
              fn: s.sourceFunctionName,
              url: (s.sourceURL || '').split('/').pop(),
              char: s.sourceCharPosition,
            })),
          });
    }).observe({ type: 'long-animation-frame' });
  });
  step('run starts');
  const cdp = values.profile ? await context.newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
  }
  const t0 = Date.now();
  await page.getByTestId('run-start').click();
  await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
  const stopAt = mode === 'paced' ? Number(values['paced-judgments']) : 0;
  const doneCount = async () =>
    Number(((await page.getByTestId('run-done').textContent()) ?? '0').replace(/,/g, ''));
  let lastLog = Date.now();
  for (;;) {
    const status = await page.getByTestId('run-detail-status').textContent();
    if (status && status !== 'running') break;
    if (stopAt && (await doneCount()) >= stopAt) {
      await page.getByTestId('run-cancel').click();
      await page.waitForFunction(
        () => document.querySelector('[data-testid=run-detail-status]')?.textContent !== 'running',
        undefined,
        { timeout: 120_000 },
      );
      break;
    }
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      step(`${nf(await doneCount())} judgments done`);
    }
    await page.waitForTimeout(500);
  }
  const wallS = (Date.now() - t0) / 1000;
  const done = await doneCount();
  // The run's end (summary, lists) is part of the run: let its last tasks land.
  await page.waitForTimeout(1500);
  if (cdp) printProfile((await cdp.send('Profiler.stop')).profile);
  const { long, frames } = await page.evaluate(() => ({
    long: window.__long,
    frames: window.__frames,
  }));
  await context.close();
  return { long, frames, wallS, done };
}

/**
 * Inclusive and self time per function from a CDP CPU profile (the top 30 by inclusive time), over
 * the whole run, then over its longest busy stretches: a long task is one stretch of samples with
 * no idle sample in it, and the run-wide totals hide it among the run's many small tasks.
 */
function printProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const idle = (id) => byId.get(id)?.callFrame.functionName === '(idle)';
  const stretches = [];
  let cur = null;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (idle(id)) {
      cur = null;
      return;
    }
    if (!cur) stretches.push((cur = { from: i, to: i, ms: 0 }));
    cur.to = i;
    cur.ms += ms;
  });
  console.log('  profile, whole run:');
  printSamples(profile, byId, 0, profile.samples.length - 1, 30);
  for (const s of stretches.sort((a, b) => b.ms - a.ms).slice(0, 3)) {
    console.log(`  busy stretch of ${s.ms.toFixed(0)} ms (samples ${s.from}-${s.to}):`);
    printSamples(profile, byId, s.from, s.to, 25);
  }
}

function printSamples(profile, byId, from, to, count) {
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const dt = new Map();
  for (let i = from; i <= to; i++) {
    const id = profile.samples[i];
    dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  const incl = new Map();
  const self = new Map();
  const name = (n) =>
    `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
  for (const [id, ms] of dt) {
    const leaf = byId.get(id);
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + ms);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = name(byId.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + ms);
    }
  }
  const top = [...incl]
    .filter(([k]) => !/^\((root|program|idle|anon\) :0)/.test(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, count);
  for (const [k, ms] of top)
    console.log(
      `  ${ms.toFixed(0).padStart(7)} ms incl, ${(self.get(k) ?? 0).toFixed(0).padStart(6)} self  ${k}`,
    );
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length
    ? `${s[0].toFixed(0)}/${s[s.length >> 1].toFixed(0)}/${s[s.length - 1].toFixed(0)}`
    : '-';
};

try {
  for (const mode of values.modes.split(',')) {
    const count = row(`${mode}: long tasks (> 50 ms) during the run`, 'count', { goal: '0' });
    const longest = row(`${mode}:   longest long task`, 'ms', { goal: '≤ 50' });
    const rate = row(`${mode}:   judgments/min`, '/min');
    for (let r = 0; r < Number(values.runs); r++) {
      const res = await oneRun(mode);
      const ms = res.long.map((l) => l.ms);
      count.push(ms.length);
      longest.push(ms.length ? Math.max(...ms) : 0);
      rate.push((res.done / res.wallS) * 60);
      console.log(
        `${mode} run ${r + 1}: ${nf(res.done)} judgments in ${res.wallS.toFixed(0)} s, ${ms.length} long tasks, min/median/max ${stats(ms)} ms; ${load()}`,
      );
      if (values.scripts) {
        const top = [...res.frames].sort((a, b) => b.blocking - a.blocking).slice(0, 8);
        for (const f of top)
          console.log(
            `  frame ${f.ms.toFixed(0)} ms (blocking ${f.blocking.toFixed(0)}): ${f.scripts
              .filter((s) => s.ms > 5)
              .map((s) => `${s.fn || s.invoker} ${s.url}:${s.char} ${s.ms.toFixed(0)} ms`)
              .join('; ')}`,
          );
      }
    }
  }
  printTable(
    `Batch run of ${nf(judgments)} judgments (${nf(items)} items, both orders) from the Runs page, test engine; ${load()}`,
    rows,
  );
} finally {
  await app.close();
}
