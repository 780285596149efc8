// Benchmark: the review pages over a 10,000-item run (20,000 judgments) in real Chromium, and their bundle sizes.
// Measures first render of the dashboard + triage list (store read, numbers, DOM), a filter change, and the
// gzip size of the lazily loaded review chunk next to the main bundle. Run: npm run bench:review [-- --runs 5]
import { build } from 'vite';
import { parseArgs } from 'node:util';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { openBuiltApp } from './browser-page.mjs';
import { seedReviewRun } from './review-seed.mjs';
import { openSeededReview, timeFilterChange } from './review-page.mjs';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, items: { type: 'string', default: '10000' } },
});
const runs = Number(values.runs);
const items = Number(values.items);
const root = new URL('../', import.meta.url).pathname;

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};
const row = (name, xs, unit = 'ms', goal = '') => {
  const { min, median, max } = stats(xs);
  const f = (x) => x.toFixed(1).padStart(9);
  console.log(`  ${name.padEnd(52)} ${f(min)} ${f(median)} ${f(max)}  ${unit}  ${goal}`);
};

// Production sizes first: the review chunk must stay out of the main bundle.
await build({ root, logLevel: 'error' });
const dir = join(root, 'dist/assets');
const html = readFileSync(join(root, 'dist/index.html'), 'utf8');
const gz = (f) => gzipSync(readFileSync(join(dir, f))).length / 1024;
const files = readdirSync(dir);
const main = files.filter((f) => f.endsWith('.js') && html.includes(f));
const review = files.filter(
  (f) => /^(ReviewRoutes|review\.svelte)-.*\.(js|css)$/.test(f) && !html.includes(f),
);

const app = await openBuiltApp({ mode: 'e2e' });
const { base, browser } = app;

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // The picker listed no runs before the seeding: it reloads to read them again.
  await openSeededReview(page, base, seedReviewRun, items);

  // The run was written straight into the database, past the repositories, so it has no review
  // digest yet: the first open builds and stores it (what an upgraded database does once per run).
  await page.goto(`${base}#/review`);
  await page.getByTestId('run-item').first().waitFor();
  const firstOpen = await page.evaluate(async () => {
    const t0 = performance.now();
    location.hash = '#/review/run-bench';
    await new Promise((res) => {
      const check = () =>
        document.querySelector('[data-testid=value-accuracy]') &&
        document.querySelector('[data-testid=triage-row]')
          ? requestAnimationFrame(() => res())
          : setTimeout(check, 5);
      check();
    });
    return performance.now() - t0;
  });

  const total = [];
  const read = [];
  const build_ = [];
  const render = [];
  const filter = [];
  const intervals = [];
  for (let r = 0; r < runs; r++) {
    await page.goto(`${base}#/review`);
    await page.getByTestId('run-item').first().waitFor();
    const m = await page.evaluate(async () => {
      performance.clearMarks();
      const t0 = performance.now();
      location.hash = '#/review/run-bench';
      // Until both the dashboard's numbers and the first list rows are in the DOM, then the next frame.
      await new Promise((res) => {
        const check = () =>
          document.querySelector('[data-testid=value-accuracy]') &&
          document.querySelector('[data-testid=triage-row]')
            ? requestAnimationFrame(() => res())
            : setTimeout(check, 1);
        check();
      });
      const t1 = performance.now();
      const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
      // The intervals arrive later, in chunks that leave the page responsive.
      await new Promise((res) => {
        const check = () =>
          /resamples/.test(document.querySelector('[data-testid=ci-progress]')?.textContent ?? '')
            ? res()
            : setTimeout(check, 5);
        check();
      });
      const t2 = performance.now();
      return {
        total: t1 - t0,
        read: mark('arbiter:review:read') - mark('arbiter:review:open'),
        build: mark('arbiter:review:built') - mark('arbiter:review:read'),
        render: t1 - mark('arbiter:review:built'),
        intervals: t2 - t1,
      };
    });
    total.push(m.total);
    read.push(m.read);
    build_.push(m.build);
    render.push(m.render);
    intervals.push(m.intervals);
    // A filter change: click to the list's new count painted.
    for (const id of ['filter-flipped', 'filter-flipped', 'filter-wrong', 'filter-wrong']) {
      filter.push(await timeFilterChange(page, 'triage-count', id));
    }
  }

  console.log(
    `\nReview of a ${items.toLocaleString()}-item run (${(2 * items).toLocaleString()} judgments), ${runs} runs, Chromium ${browser.version()}`,
  );
  console.log(
    `  ${''.padEnd(52)} ${'min'.padStart(9)} ${'median'.padStart(9)} ${'max'.padStart(9)}`,
  );
  row('first open without a digest (builds and stores it)', [firstOpen]);
  row('first render: hash change → numbers + list painted', total, 'ms', '(goal < 200 ms)');
  // In the order they ran: the first opens of a page run colder code than the later ones.
  console.log(
    `  ${'  each, in order (ms)'.padEnd(52)} ${total.map((t) => t.toFixed(0)).join(', ')}`,
  );
  row('  of which: IndexedDB read (run, review digest, labels)', read);
  row('  of which: rows + dashboard numbers (no intervals)', build_);
  row('  of which: Svelte render to painted frame', render);
  row('95% intervals, 5 groups × 1,000 resamples (background)', intervals);
  row('filter change: click → new list painted', filter, 'ms', '(goal < 100 ms)');
  const sum = (fs) => fs.reduce((s, f) => s + gz(f), 0);
  console.log(
    `  main bundle gzip: ${sum(main).toFixed(1)} kB (${main.join(', ')}) (goal ≤ 100 kB)`,
  );
  console.log(
    `  review views chunk gzip: ${sum(review).toFixed(1)} kB (${review.join(', ')}), loaded only on #/review, #/compare, #/leaderboard`,
  );
} finally {
  await app.close();
}
