// Benchmark: click-to-first-token and Arbiter's overhead per judgment over the engine's own time, in real Chromium.
// The e2e build's deterministic engine streams at a fixed token rate, so what remains is Arbiter's own cost:
// fit check, key hashing, store look-ups and writes, rendering. Run: npm run bench:judge [-- --tps 50 --pairs 10]
import { build, preview } from 'vite';
import { chromium } from 'playwright-core';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { tps: { type: 'string', default: '50' }, pairs: { type: 'string', default: '10' } },
});
const tps = Number(values.tps);
const pairs = Number(values.pairs);
const root = new URL('../', import.meta.url).pathname;

await build({ root, mode: 'e2e', logLevel: 'error' });
const server = await preview({
  root,
  mode: 'e2e',
  logLevel: 'error',
  preview: { port: 0, host: '127.0.0.1' },
});
const base = server.resolvedUrls.local[0];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--enable-unsafe-webgpu',
    '--disable-background-networking',
    '--disable-dev-shm-usage',
  ],
});

try {
  const page = await browser.newPage();
  await page.goto(`${base}#/models`);
  await page.evaluate((t) => localStorage.setItem('arbiter.test.tps', String(t)), tps);
  await page.reload();
  await page.locator('input[name=model][value="arbiter-test-judge"]').check();
  await page.getByTestId('load-model').click();
  await page.getByTestId('model-ready').waitFor();
  await page.goto(`${base}#/judge`);

  const rows = [];
  for (let i = 0; i < pairs; i++) {
    await page.locator('#prompt').fill(`Benchmark question ${i}: which answer is better?`);
    await page.locator('#answer-a').fill(`Answer A number ${i}, a short and direct reply.`);
    await page.locator('#answer-b').fill(`Answer B number ${i}, a different reply.`);
    // Timestamps taken in the page: the click, the first streamed text, the verdict card.
    await page.evaluate(() => {
      const marks = { click: 0, first: 0, done: 0 };
      window.__bench = marks;
      document
        .querySelector('[data-testid=judge]')
        .addEventListener('click', () => (marks.click = performance.now()), {
          capture: true,
          once: true,
        });
      const obs = new MutationObserver(() => {
        const s = document.querySelector(
          '[data-testid=stream-AB] [data-testid=judgment-answer], [data-testid=stream-AB] details',
        );
        if (!marks.first && s && s.textContent.trim().length > 0) marks.first = performance.now();
        if (!marks.done && document.querySelector('[data-testid=verdict-card]')) {
          marks.done = performance.now();
          obs.disconnect();
        }
      });
      obs.observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await page.getByTestId('judge').click();
    await page.getByTestId('verdict-card').waitFor({ timeout: 60_000 });
    const r = await page.evaluate(async () => {
      const m = window.__bench;
      const db = await new Promise((res, rej) => {
        const q = indexedDB.open('arbiter');
        q.onsuccess = () => res(q.result);
        q.onerror = () => rej(q.error);
      });
      const all = await new Promise((res) => {
        const q = db.transaction('judgments').objectStore('judgments').getAll();
        q.onsuccess = () => res(q.result);
      });
      db.close();
      const newestRun = all.sort((a, b) => b.createdAt - a.createdAt)[0].runId;
      const mine = all.filter((j) => j.runId === newestRun);
      return {
        clickToFirst: m.first - m.click,
        wall: m.done - m.click,
        engine: mine.reduce((s, j) => s + j.usage.totalMs, 0),
        engineTtft: mine.find((j) => j.order === 'AB').usage.timeToFirstTokenMs,
        tokens: mine.reduce((s, j) => s + j.usage.completionTokens, 0),
        judgments: mine.length,
      };
    });
    rows.push(r);
  }

  const fmt = (x) => x.toFixed(1).padStart(8);
  console.log(
    `\nJudge overhead, deterministic engine at ${tps} tok/s, ${pairs} pairs judged in both orders (Chromium ${browser.version()})`,
  );
  console.log(
    '  pair  click→1st tok   engine TTFT      wall    engine  overhead  overhead%  tokens',
  );
  rows.forEach((r, i) => {
    const over = r.wall - r.engine;
    console.log(
      `  ${String(i + 1).padStart(4)}  ${fmt(r.clickToFirst)} ms  ${fmt(r.engineTtft)} ms  ${fmt(r.wall)} ${fmt(r.engine)}  ${fmt(over)}  ${((100 * over) / r.engine).toFixed(2).padStart(8)}%  ${String(r.tokens).padStart(6)}`,
    );
  });
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const overPct = rows.map((r) => (100 * (r.wall - r.engine)) / r.engine);
  console.log(
    `median: click→first token ${med(rows.map((r) => r.clickToFirst)).toFixed(1)} ms; ` +
      `overhead ${med(rows.map((r) => r.wall - r.engine)).toFixed(1)} ms per judged pair = ${med(overPct).toFixed(2)}% of engine time ` +
      `(min ${Math.min(...overPct).toFixed(2)}%, max ${Math.max(...overPct).toFixed(2)}%)`,
  );
} finally {
  await browser.close();
  await server.close();
}
