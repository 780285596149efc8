// Profile: where the page's main-thread time goes while one pair streams (Chrome trace via CDP).
// Not a benchmark table: a diagnosis aid for bench/judge-overhead.mjs. Prints the long tasks (> 50 ms)
// with what they did, main-thread time by event kind, and the hottest JS functions (self time).
// Run: node bench/profile-pair.mjs [--tps 300 --tokens 2000 --trace out.json]
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { openBuiltApp } from './browser-page.mjs';
import { jsSamples, mainThread, startTrace } from './trace.mjs';

const { values } = parseArgs({
  options: {
    tps: { type: 'string', default: '300' },
    tokens: { type: 'string', default: '2000' },
    trace: { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
    // Pairs judged (untraced) first, so the trace shows a warm page (compiled code, open database)
    // as bench/judge-overhead.mjs measures it, not first-run compilation.
    warm: { type: 'string', default: '1' },
    // Analyse a saved trace instead of running a pair.
    read: { type: 'string' },
    'no-js': { type: 'boolean', default: false },
  },
});
if (values.read) {
  analyse(JSON.parse(readFileSync(values.read, 'utf8')).traceEvents);
  process.exit(0);
}
const app = await openBuiltApp({
  mode: 'e2e',
  outDir: process.env.ARBITER_BENCH_OUT ?? 'node_modules/.arbiter-profile',
  // Unminified, so the profile names functions; the cost differs little from the minified build.
  minify: false,
  build: !values['skip-build'],
  chromiumArgs: ['--enable-unsafe-webgpu'],
});
const { base, browser } = app;

try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await page.goto(`${base}#/models`);
  await page.evaluate(
    ([t, n]) => {
      localStorage.setItem('arbiter.test.tps', String(t));
      localStorage.setItem('arbiter.test.tokens', String(n));
    },
    [values.tps, values.tokens],
  );
  await page.reload();
  await page.locator('input[name=model][value="arbiter-test-judge"]').check();
  await page.getByTestId('load-model').click();
  await page.getByTestId('model-ready').waitFor();
  await page.goto(`${base}#/judge`);
  for (let i = 0; i < Number(values.warm); i++) {
    await page.locator('#prompt').fill(`Warm-up question ${i}: which answer is better?`);
    await page.locator('#answer-a').fill(`Answer A ${i}.`);
    await page.locator('#answer-b').fill(`Answer B ${i}.`);
    await page.getByTestId('judge').click();
    await page.getByTestId('verdict-card').waitFor({ timeout: 600_000 });
    await page.locator('[data-testid=streams][data-rendered=full]').waitFor({ timeout: 20_000 });
  }
  await page.locator('#prompt').fill('Profile question: which answer is better?');
  await page.locator('#answer-a').fill('Answer A, short.');
  await page.locator('#answer-b').fill('Answer B, different.');

  // The sampling profiler costs the page several ms a second: off (--no-js) for a cost breakdown.
  const trace = await startTrace(cdp, { js: !values['no-js'] });
  // Waited for on a promise the page resolves, not by Playwright's polling (which runs in the
  // page every few ms and would be most of what the trace shows at a slow token rate).
  await page.evaluate(() => {
    window.__profileDone = new Promise((res) => {
      const obs = new MutationObserver(() => {
        if (!document.querySelector('[data-testid=streams][data-rendered=full]')) return;
        if (!document.querySelector('[data-testid=verdict-card]')) return;
        obs.disconnect();
        res();
      });
      obs.observe(document.body, { childList: true, subtree: true, attributes: true });
    });
  });
  await page.getByTestId('judge').hover();
  const t0 = Date.now();
  await page.getByTestId('judge').click({ force: true });
  await page.evaluate(() => window.__profileDone);
  await page.evaluate(() => new Promise((res) => setTimeout(res, 300)));
  const events = await trace.stop();
  if (values.trace) writeFileSync(values.trace, JSON.stringify({ traceEvents: events }));
  console.log(
    `${values.tps} tok/s × ${values.tokens} tokens, pair took ${Date.now() - t0} ms; load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  analyse(events);
} finally {
  await app.close();
}

function analyse(events) {
  const { main, mine } = mainThread(events);
  const tasks = mine.filter((e) => e.name === 'RunTask');
  const total = tasks.reduce((s, t) => s + (t.dur ?? 0), 0) / 1000;
  console.log(`main thread: ${tasks.length} tasks, ${total.toFixed(1)} ms in tasks`);

  // Self time per event name (nested events subtracted).
  const self = new Map();
  for (const e of mine) self.set(e.name, (self.get(e.name) ?? 0) + e.__node.self);
  console.log('\nself time by event (ms):');
  for (const [n, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 18))
    console.log(`  ${n.padEnd(36)} ${(v / 1000).toFixed(1)}`);

  const long = tasks.filter((t) => t.dur > 50_000);
  console.log(`\nlong tasks (> 50 ms): ${long.length}`);
  const first = tasks[0]?.ts ?? 0;
  for (const t of long) {
    const inside = mine.filter(
      (e) => e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur && e !== t,
    );
    const by = new Map();
    for (const e of inside) by.set(e.name, (by.get(e.name) ?? 0) + e.__node.self);
    const fn = inside
      .filter(
        (e) =>
          e.name === 'FunctionCall' ||
          e.name === 'TimerFire' ||
          e.name === 'EventDispatch' ||
          e.name === 'FireAnimationFrame',
      )
      .filter((e) => (e.dur ?? 0) > 1000)
      .map(
        (e) =>
          `${e.name}:${e.args?.data?.functionName || e.args?.data?.type || ''}@${(e.args?.data?.url ?? '').split('/').pop()}:${e.args?.data?.lineNumber ?? ''} ${((e.dur ?? 0) / 1000).toFixed(1)}`,
      )
      .slice(0, 6);
    console.log(
      `  at +${((t.ts - first) / 1000).toFixed(0)} ms: ${(t.dur / 1000).toFixed(1)} ms — ${[...by]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([n, v]) => `${n} ${(v / 1000).toFixed(1)}`)
        .join(', ')}`,
    );
    for (const f of fn) console.log(`      ${f}`);
  }

  // JS self time by function, from the sampling profiler. Samples inside long tasks are counted apart.
  const byFn = new Map();
  const inLong = new Map();
  for (const { frame: f, ts, d } of jsSamples(events, main)) {
    if (!f || f.functionName === '(idle)' || f.functionName === '(program)') continue;
    const k = `${f.functionName || '(anon)'} ${(f.url ?? '').split('/').pop()}:${f.lineNumber}:${f.columnNumber}`;
    byFn.set(k, (byFn.get(k) ?? 0) + d);
    if (long.some((t) => ts >= t.ts && ts <= t.ts + t.dur)) inLong.set(k, (inLong.get(k) ?? 0) + d);
  }
  console.log('\nhottest JS (self ms, sampled):');
  for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 20))
    console.log(`  ${(v / 1000).toFixed(1).padStart(7)}  ${k}`);
  console.log('\nhottest JS inside long tasks (self ms, sampled):');
  for (const [k, v] of [...inLong].sort((a, b) => b[1] - a[1]).slice(0, 12))
    console.log(`  ${(v / 1000).toFixed(1).padStart(7)}  ${k}`);
}
