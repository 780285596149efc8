// Benchmark: Arbiter's own cost per judged pair while a deterministic engine streams, in real Chromium.
// The e2e build's test engine streams at a fixed token rate and length, so what remains is Arbiter's
// own cost: fit check, key hashing, stream rendering, parsing, store writes. Not a timed test.
// Run: npm run bench:judge [-- --tps 50,300,1000 --tokens 40,2000 --pairs 10 --cell-seconds 300]
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { openBuiltApp } from './browser-page.mjs';

const { values } = parseArgs({
  options: {
    tps: { type: 'string', default: '50,300,1000' },
    tokens: { type: 'string', default: '40,2000' },
    pairs: { type: 'string', default: '10' },
    // A cell stops early (with at least 3 pairs) when it has run this long: 2,000 tokens at 50 tok/s is 80 s a pair.
    'cell-seconds': { type: 'string', default: '300' },
    'min-pairs': { type: 'string', default: '3' },
  },
});
const list = (s) => s.split(',').map(Number);
const pairs = Number(values.pairs);
const cellMs = Number(values['cell-seconds']) * 1000;
const minPairs = Number(values['min-pairs']);
const app = await openBuiltApp({
  mode: 'e2e',
  // Its own output directory, so a benchmark never races the e2e suite's dist-e2e.
  outDir: process.env.ARBITER_BENCH_OUT ?? 'node_modules/.arbiter-bench',
  chromiumArgs: ['--enable-unsafe-webgpu'],
});
const { base, browser } = app;

/** One judged pair, measured in the page and through the DevTools protocol. */
async function measurePair(page, cdp, i) {
  await page.locator('#prompt').fill(`Benchmark question ${i}: which answer is better?`);
  await page.locator('#answer-a').fill(`Answer A number ${i}, a short and direct reply.`);
  await page.locator('#answer-b').fill(`Answer B number ${i}, a different reply.`);
  // A user clicks Judge some time after the last keystroke, not within a millisecond of it: the
  // page checks the pair (fit, stored work) after 200 ms without typing, as it would then.
  await page.waitForTimeout(400);
  await page.evaluate(() => {
    const marks = { click: 0, first: 0, verdict: 0 };
    window.__bench = marks;
    // Resolved by the observer below: waiting on it costs the page nothing, where Playwright's
    // locator waits poll the page (an evaluation a second, counted as the page's own work).
    let verdictShown;
    window.__benchVerdict = new Promise((res) => (verdictShown = res));
    window.__arbiterLastTokenAt = 0;
    window.__committed = new Promise((res) => (window.__commit = res));
    if (window.__arbiterTest) window.__arbiterTest.lastTokenAt = 0;
    document
      .querySelector('[data-testid=judge]')
      .addEventListener('click', () => (marks.click = performance.now()), {
        capture: true,
        once: true,
      });
    // First streamed text: the first order's panel holds more than its heading.
    const obs = new MutationObserver(() => {
      if (!marks.first) {
        const s = document.querySelector('[data-testid=stream-AB]');
        const h = s?.querySelector('h3');
        if (s && s.textContent.trim().length > (h?.textContent.trim().length ?? 0) + 1)
          marks.first = performance.now();
      }
      if (!marks.verdict && document.querySelector('[data-testid=verdict-card]')) {
        marks.verdict = performance.now();
        obs.disconnect();
        verdictShown();
      }
    });
    obs.observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  // Playwright's checks before a click (visible, stable over two frames, hit target) run in
  // the page: done here, outside the measured window, so the click itself needs none.
  await page.getByTestId('judge').hover();
  const tracing = await startTrace(cdp);
  const before = await metrics(cdp);
  await page.getByTestId('judge').click({ force: true });
  await page.evaluate(() => window.__benchVerdict);
  // Committed: the transaction that writes the run as done has completed (recorded by a hook on
  // IDBObjectStore.put, see addInitScript below), so no polling adds main-thread work.
  const r = await page.evaluate(async () => {
    const open = () =>
      new Promise((res, rej) => {
        const q = indexedDB.open('arbiter');
        q.onsuccess = () => res(q.result);
        q.onerror = () => rej(q.error);
      });
    const getAll = (db, store) =>
      new Promise((res, rej) => {
        const q = db.transaction(store).objectStore(store).getAll();
        q.onsuccess = () => res(q.result);
        q.onerror = () => rej(q.error);
      });
    const m = window.__bench;
    // When the last token message reached the page (the test hooks record it).
    const lastToken = window.__arbiterTest?.lastTokenAt ?? window.__arbiterLastTokenAt;
    await Promise.race([window.__committed, new Promise((res) => setTimeout(res, 30_000))]);
    const committed = window.__committedAt;
    const db = await open();
    const runs = await getAll(db, 'runs');
    const run = runs.sort((a, b) => b.createdAt - a.createdAt)[0];
    const all = await getAll(db, 'judgments');
    db.close();
    const mine = all.filter((j) => j.runId === run.id);
    const longest = (window.__longTasks ?? [])
      .filter((t) => t.startTime + t.duration >= m.first && t.startTime <= lastToken)
      .reduce((x, t) => Math.max(x, t.duration), 0);
    // Ties the trace's clock to the page's: the mark's trace event has this startTime.
    const sync = performance.mark('arbiter-bench-sync').startTime;
    return {
      first: m.first,
      lastToken,
      sync,
      clickToFirst: m.first - m.click,
      clickToVerdict: m.verdict - m.click,
      clickToCommitted: committed - m.click,
      lastToVerdict: m.verdict - lastToken,
      lastToCommitted: committed - lastToken,
      engine: mine.reduce((s, j) => s + j.usage.totalMs, 0),
      tokens: mine.reduce((s, j) => s + j.usage.completionTokens, 0),
      judgments: mine.length,
      longestStreamingTask: longest,
    };
  });
  // The full rendering of the finished texts runs when the page is idle after the run: wait for
  // it (older builds have no marker), so its main-thread time is counted too.
  await page.evaluate(
    () =>
      new Promise((res) => {
        const el = document.querySelector('[data-testid=streams]');
        if (!el || el.dataset.rendered === 'full') return res();
        const obs = new MutationObserver(() => {
          if (el.dataset.rendered !== 'full') return;
          obs.disconnect();
          res();
        });
        obs.observe(el, { attributes: true, attributeFilter: ['data-rendered'] });
        setTimeout(res, 10_000);
      }),
  );
  const after = await metrics(cdp);
  Object.assign(r, taskCpu(await tracing.stop(), r));
  r.taskMs = (after.TaskDuration - before.TaskDuration) * 1000;
  // CPU time of the main thread: unlike task durations (wall clock), it does not grow when other
  // processes take the CPU, which they do on a shared machine.
  r.threadMs = (after.ThreadTime - before.ThreadTime) * 1000;
  r.scriptMs = (after.ScriptDuration - before.ScriptDuration) * 1000;
  r.layoutStyleMs =
    (after.LayoutDuration -
      before.LayoutDuration +
      after.RecalcStyleDuration -
      before.RecalcStyleDuration) *
    1000;
  r.overhead = r.clickToCommitted - r.engine;
  r.perToken = r.taskMs / r.tokens;
  r.cpuPerToken = r.threadMs / r.tokens;
  return r;
}

/**
 * A trace of the page's tasks (category "toplevel": every task's wall time `dur` and the CPU time
 * its thread really ran, `tdur`), so a long task made of CPU starvation (the machine is shared)
 * can be told apart from one made of our own work. Costs the page next to nothing.
 */
async function startTrace(cdp) {
  const events = [];
  const onData = (e) => events.push(...e.value);
  cdp.on('Tracing.dataCollected', onData);
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: ['toplevel', 'blink.user_timing'] },
  });
  return {
    async stop() {
      const done = new Promise((res) => cdp.once('Tracing.tracingComplete', res));
      await cdp.send('Tracing.end');
      await done;
      cdp.off('Tracing.dataCollected', onData);
      return events;
    },
  };
}

/**
 * From the trace: the longest task while streaming (first token to last token) by wall time with
 * its CPU time, the task with the most CPU time in that window, and the same after the last token
 * (verdict, final save, full rendering of the texts).
 */
function taskCpu(events, r) {
  const mark = events.find((e) => e.name === 'arbiter-bench-sync');
  const none = {
    streamCpuMs: NaN,
    streamWallMs: NaN,
    streamWallCpuMs: NaN,
    streamMaxCpuMs: NaN,
    afterWallMs: NaN,
    afterWallCpuMs: NaN,
    afterMaxCpuMs: NaN,
  };
  if (!mark) return none;
  // Trace µs → page ms.
  const toPage = (ts) => ts / 1000 - (mark.ts / 1000 - r.sync);
  const tasks = events.filter(
    (e) => isTask(e) && e.ph === 'X' && e.pid === mark.pid && e.tid === mark.tid,
  );
  const pick = (from, to) => {
    const inside = tasks.filter((t) => {
      const start = toPage(t.ts);
      return start + t.dur / 1000 >= from && start <= to;
    });
    const longest = inside.reduce((x, t) => (!x || t.dur > x.dur ? t : x), null);
    const cpu = (t) => (t?.tdur ?? NaN) / 1000;
    return {
      wall: longest ? longest.dur / 1000 : 0,
      wallCpu: longest ? cpu(longest) : 0,
      maxCpu: inside.reduce((x, t) => Math.max(x, cpu(t)), 0),
    };
  };
  // Main-thread CPU while tokens stream (first to last token, both orders and the gap between
  // them): what each streamed token costs, without the pair's fixed work (click, verdict, save).
  let end = -Infinity;
  let streamCpu = 0;
  for (const t of [...tasks].sort((x, y) => x.ts - y.ts)) {
    if (t.ts < end) continue; // nested in the task before
    end = t.ts + t.dur;
    const start = toPage(t.ts);
    if (start >= r.first && start <= r.lastToken) streamCpu += (t.tdur ?? t.dur) / 1000;
  }
  const s = pick(r.first, r.lastToken);
  const a = pick(r.lastToken, Infinity);
  return {
    streamCpuMs: streamCpu,
    streamWallMs: s.wall,
    streamWallCpuMs: s.wallCpu,
    streamMaxCpuMs: s.maxCpu,
    afterWallMs: a.wall,
    afterWallCpuMs: a.wallCpu,
    afterMaxCpuMs: a.maxCpu,
  };
}

// A task of the thread's scheduler ("RunTask" in the devtools categories).
const isTask = (e) => e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask';

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], med: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};

const results = [];
const loadAtStart = loadavg();
try {
  for (const tps of list(values.tps)) {
    for (const tokens of list(values.tokens)) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      await page.addInitScript(() => {
        // The first 'complete' listener of every transaction (added before the app's own, which
        // starts the app's next work in its microtasks): it marks the commit of the transaction
        // that wrote the run as done, not what the app does after.
        const transaction = IDBDatabase.prototype.transaction;
        IDBDatabase.prototype.transaction = function (...args) {
          const tx = transaction.apply(this, args);
          tx.addEventListener('complete', () => {
            if (!tx.__runDone) return;
            window.__committedAt = performance.now();
            window.__commit?.();
          });
          return tx;
        };
        const put = IDBObjectStore.prototype.put;
        IDBObjectStore.prototype.put = function (value, key) {
          if (this.name === 'runs' && value?.status === 'done') this.transaction.__runDone = true;
          return put.call(this, value, key);
        };
        window.__longTasks = [];
        new PerformanceObserver((l) => {
          for (const e of l.getEntries())
            window.__longTasks.push({ startTime: e.startTime, duration: e.duration });
        }).observe({ type: 'longtask', buffered: true });
      });
      await page.goto(`${base}#/models`);
      await page.evaluate(
        ([t, n]) => {
          localStorage.setItem('arbiter.test.tps', String(t));
          localStorage.setItem('arbiter.test.tokens', String(n));
        },
        [tps, tokens],
      );
      await page.reload();
      await page.locator('input[name=model][value="arbiter-test-judge"]').check();
      await page.getByTestId('load-model').click();
      await page.getByTestId('model-ready').waitFor();
      await page.goto(`${base}#/judge`);
      // One pair to warm up code paths and the database, not counted; skipped where a pair takes
      // over 20 s (2,000 tokens at 50 tok/s): its first pair's extra cost is then counted.
      const warm = (2 * tokens) / tps < 20;
      if (warm) await measurePair(page, cdp, -1);
      const rows = [];
      const started = Date.now();
      for (let i = 0; i < pairs; i++) {
        rows.push(await measurePair(page, cdp, i));
        if (rows.length >= minPairs && Date.now() - started > cellMs) break;
      }
      results.push({ tps, tokens, rows, warm });
      process.stderr.write(`done: ${tps} tok/s × ${tokens} tokens, ${rows.length} pairs\n`);
      await context.close();
    }
  }

  console.log(
    `\nArbiter's own cost per judged pair (both orders), deterministic test engine, Chromium ${browser.version()}, ${new Date().toISOString()}`,
  );
  console.log(
    `Machine: ${cpus().length} CPUs; load average ${loadAtStart.map((x) => x.toFixed(1)).join(' ')} at start, ${loadavg()
      .map((x) => x.toFixed(1))
      .join(
        ' ',
      )} at end (other processes share the CPUs: wall-clock figures grow with load, CPU time much less).`,
  );
  console.log('Each cell: median [min–max] over n pairs, after one warm-up pair unless noted.\n');
  const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const cell = (xs, d = 1) => {
    const s = stats(xs);
    return `${f(s.med, d)} [${f(s.min, d)}–${f(s.max, d)}]`;
  };
  const rowsOut = [
    ['click → first token (ms)', (r) => r.clickToFirst, 1],
    ['engine time (ms)', (r) => r.engine, 0],
    ['overhead: click→committed − engine (ms)', (r) => r.overhead, 1],
    ['overhead % of engine time', (r) => (100 * r.overhead) / r.engine, 2],
    ['main-thread task time per pair (ms)', (r) => r.taskMs, 1],
    ['  of which script (ms)', (r) => r.scriptMs, 1],
    ['  of which style+layout (ms)', (r) => r.layoutStyleMs, 1],
    ['main-thread ms per streamed token (task time)', (r) => r.perToken, 3],
    ['main-thread CPU time per pair (ms)', (r) => r.threadMs, 1],
    ['main-thread CPU ms per streamed token', (r) => r.cpuPerToken, 3],
    ['main-thread CPU while streaming (ms, trace)', (r) => r.streamCpuMs, 1],
    ['  per streamed token (ms)', (r) => r.streamCpuMs / r.tokens, 3],
    ['longest task while streaming (ms, 0 = none >50)', (r) => r.longestStreamingTask, 0],
    // From the trace: wall time counts waiting for a CPU on a loaded machine, CPU time does not.
    ['longest streaming task, wall (ms, trace)', (r) => r.streamWallMs, 1],
    ["  that task's CPU time (ms)", (r) => r.streamWallCpuMs, 1],
    ['most CPU in one streaming task (ms)', (r) => r.streamMaxCpuMs, 1],
    ['longest task after last token, wall (ms)', (r) => r.afterWallMs, 1],
    ["  that task's CPU time (ms)", (r) => r.afterWallCpuMs, 1],
    ['most CPU in one task after last token (ms)', (r) => r.afterMaxCpuMs, 1],
    ['last token → verdict on screen (ms)', (r) => r.lastToVerdict, 1],
    ['last token → committed in IndexedDB (ms)', (r) => r.lastToCommitted, 1],
    ['tokens streamed per pair', (r) => r.tokens, 0],
  ];
  for (const res of results) {
    console.log(
      `${res.tps} tok/s × ${res.tokens}-token judgments  (n = ${res.rows.length} pairs${res.warm ? '' : ', no warm-up pair'})`,
    );
    for (const [label, get, d] of rowsOut)
      console.log(`  ${label.padEnd(48)} ${cell(res.rows.map(get), d)}`);
    console.log('');
  }
} finally {
  await app.close();
}
