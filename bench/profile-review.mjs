// Profile: where the main thread's time goes between the hash change and the painted review of a
// 10,000-item run (Chrome trace via CDP). Not a benchmark table: a diagnosis aid for bench/review.mjs.
// Prints the tasks in that window (what each did), the review's performance marks, and the hottest
// JS functions (self time). Run: node bench/profile-review.mjs [--items 10000 --opens 3 --trace out.json]
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { openBuiltApp } from './browser-page.mjs';
import { seedReviewRun } from './review-seed.mjs';
import { openSeededReview } from './review-page.mjs';
import { jsSamples, mainThread, startTrace } from './trace.mjs';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '10000' },
    // Untraced opens first, so the trace shows a warm page (compiled code, compacted digest).
    opens: { type: 'string', default: '2' },
    trace: { type: 'string' },
    // Traced opens; the JS sampling profiler (which slows the page) only with --js.
    traced: { type: 'string', default: '1' },
    js: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
  },
});
const app = await openBuiltApp({
  mode: 'e2e',
  outDir: 'node_modules/.arbiter-profile-review',
  // Unminified, so the profile names functions; the cost differs little from the minified build.
  minify: false,
  build: !values['skip-build'],
});
const { base, browser } = app;

/** Opens the run from the run picker; resolves with the ms from hash change to painted. */
const open = (page) =>
  page.evaluate(async () => {
    performance.clearMarks();
    const t0 = performance.now();
    performance.mark('bench:hash');
    location.hash = '#/review/run-bench';
    await new Promise((res) => {
      const check = () =>
        document.querySelector('[data-testid=value-accuracy]') &&
        document.querySelector('[data-testid=triage-row]')
          ? requestAnimationFrame(() => res())
          : setTimeout(check, 1);
      check();
    });
    performance.mark('bench:painted');
    const nodes = document.getElementsByTagName('*').length;
    const rows = document.querySelectorAll('[data-testid=triage-row]').length;
    const marks = performance
      .getEntriesByType('mark')
      .map((m) => `${m.name} +${(m.startTime - t0).toFixed(1)}`);
    return {
      ms: performance.now() - t0,
      marks: [...marks, `${nodes} elements, ${rows} list rows`],
    };
  });

/** Until the open run's intervals are done (they run after the paint). */
const intervalsDone = (page) =>
  page.waitForFunction(
    () => /resamples/.test(document.querySelector('[data-testid=ci-progress]')?.textContent ?? ''),
    undefined,
    { timeout: 120_000 },
  );

const toPicker = async (page) => {
  await page.goto(`${base}#/review`);
  await page.getByTestId('run-item').first().waitFor();
  // Let the previous open's background work (intervals, compaction) finish.
  await page.waitForFunction(
    () => !document.querySelector('[data-testid=ci-progress]'),
    undefined,
    { timeout: 60_000 },
  );
  await page.waitForTimeout(300);
};

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await openSeededReview(page, base, seedReviewRun, Number(values.items));
  for (let i = 0; i < Number(values.opens); i++) {
    await toPicker(page);
    const r = await open(page);
    await intervalsDone(page);
    console.log(`untraced open ${i + 1}: ${r.ms.toFixed(1)} ms`);
  }
  await toPicker(page);

  const cpu = [];
  const walls = [];
  for (let k = 0; k < Number(values.traced); k++) {
    if (k > 0) {
      await intervalsDone(page);
      await toPicker(page);
    }
    const trace = await startTrace(cdp, { js: values.js, userTiming: true });
    await page.waitForTimeout(100);
    const r = await open(page);
    await page.waitForTimeout(100);
    const events = await trace.stop();
    if (values.trace) writeFileSync(values.trace, JSON.stringify({ traceEvents: events }));
    console.log(
      `\ntraced open ${k + 1}: ${r.ms.toFixed(1)} ms; load ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}\nmarks: ${r.marks.join(', ')}`,
    );
    const c = analyse(events, k === Number(values.traced) - 1);
    if (c !== undefined) cpu.push(c);
    walls.push(r.ms);
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `\nhash change → painted, wall: min ${Math.min(...walls).toFixed(1)} median ${med(walls).toFixed(1)} ms; main-thread CPU: min ${Math.min(...cpu).toFixed(1)} median ${med(cpu).toFixed(1)} ms`,
  );
} finally {
  await app.close();
}

function analyse(events, detail) {
  const { main, mine } = mainThread(events);
  const mark = (n) => events.find((e) => e.name === n && `${e.pid}:${e.tid}` === main)?.ts;
  const from = mark('bench:hash');
  const to = mark('bench:painted');
  if (from === undefined || to === undefined) {
    console.log('marks not found in the trace');
    return;
  }
  const tasks = mine.filter((e) => e.name === 'RunTask' && e.ts + e.dur >= from && e.ts <= to);
  // Tasks inside the window only (the one that set the hash is cut at the mark), wall and CPU.
  const clip = (t) => Math.min(t.ts + t.dur, to) - Math.max(t.ts, from);
  const busy = tasks.reduce((s, t) => s + clip(t), 0) / 1000;
  const cpu =
    tasks.reduce((s, t) => s + (t.tdur ?? t.dur) * (clip(t) / Math.max(1, t.dur)), 0) / 1000;
  console.log(
    `window ${((to - from) / 1000).toFixed(1)} ms: ${tasks.length} tasks, ${busy.toFixed(1)} ms busy, ${cpu.toFixed(1)} ms CPU on the main thread`,
  );
  // Main-thread CPU between the review's marks (what each phase cost, whatever the load).
  const at = [
    'bench:hash',
    'arbiter:review:open',
    'arbiter:review:read',
    'arbiter:review:built',
    'bench:painted',
  ].map(mark);
  const phase = (a, b) =>
    tasks.reduce((s, t) => {
      const w = Math.min(t.ts + t.dur, b) - Math.max(t.ts, a);
      return w > 0 ? s + (t.tdur ?? t.dur) * (w / Math.max(1, t.dur)) : s;
    }, 0) / 1000;
  if (at.every((x) => x !== undefined))
    console.log(
      `CPU by phase: to open ${phase(at[0], at[1]).toFixed(1)}, read ${phase(at[1], at[2]).toFixed(1)}, build ${phase(at[2], at[3]).toFixed(1)}, render ${phase(at[3], at[4]).toFixed(1)} ms`,
    );
  // What the main thread did in each phase: self time by trace event (nested events subtracted).
  const names2 = ['to open', 'read', 'build', 'render'];
  for (let k = 0; k < 4 && at.every((x) => x !== undefined); k++) {
    const by = new Map();
    for (const e of mine)
      if (e.ts >= at[k] && e.ts < at[k + 1] && e.name !== 'RunTask')
        by.set(e.name, (by.get(e.name) ?? 0) + e.__node.self);
    console.log(
      `  ${names2[k]}: ${[...by]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([n, v]) => `${n} ${(v / 1000).toFixed(1)}`)
        .join(', ')}`,
    );
  }
  if (!detail) return cpu;
  console.log('tasks over 1 ms (start from hash change, duration, what):');
  for (const t of tasks.filter((t) => t.dur > 1000)) {
    const inside = mine.filter((e) => e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur);
    const by = new Map();
    for (const e of inside) if (e !== t) by.set(e.name, (by.get(e.name) ?? 0) + e.__node.self);
    const top = inside.find((e) => e !== t && e.dur > 200);
    const what = top?.args?.data?.functionName || top?.args?.data?.type || top?.name || '';
    console.log(
      `  +${((t.ts - from) / 1000).toFixed(1).padStart(6)} ${(t.dur / 1000).toFixed(1).padStart(6)} ms (CPU ${((t.tdur ?? 0) / 1000).toFixed(1)})  ${what}: ${[
        ...by,
      ]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([n, v]) => `${n} ${(v / 1000).toFixed(1)}`)
        .join(', ')}`,
    );
  }
  console.log(`main thread idle in the window: ${((to - from) / 1000 - busy).toFixed(1)} ms`);

  const byFn = new Map();
  const samples = [];
  for (const { frame: f, ts, d } of jsSamples(events, main)) {
    if (ts < from || ts > to) continue;
    if (!f || f.functionName === '(idle)') continue;
    const k = `${f.functionName || '(anon)'} ${(f.url ?? '').split('/').pop()}:${f.lineNumber}`;
    byFn.set(k, (byFn.get(k) ?? 0) + d);
    samples.push([k, ts, d]);
  }
  // The same samples per task over 5 ms: which code each long piece of work ran.
  for (const t of tasks.filter((t) => t.dur > 5000)) {
    const m = new Map();
    for (const [k, at, d] of samples)
      if (at >= t.ts && at <= t.ts + t.dur) m.set(k, (m.get(k) ?? 0) + d);
    console.log(
      `\ntask at +${((t.ts - from) / 1000).toFixed(1)} (${(t.dur / 1000).toFixed(1)} ms): ${[...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`)
        .join('; ')}`,
    );
  }
  // JS self time in each phase alone.
  for (let p = 1; p < 4 && at.every((x) => x !== undefined); p++) {
    const m = new Map();
    for (const [k, t, d] of samples)
      if (t >= at[p] && t <= at[p + 1]) m.set(k, (m.get(k) ?? 0) + d);
    console.log(
      `\nJS self time, ${['', 'reading', 'building', 'rendering'][p]}: ${[...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 25)
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`)
        .join('; ')}`,
    );
  }
  console.log('\nJS self time in the window, top functions (ms):');
  for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`  ${(v / 1000).toFixed(1).padStart(6)}  ${k}`);
  return cpu;
}
