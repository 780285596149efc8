// Benchmark: the panel review (#/panel/…) of 3 member runs × 10,000 items in real Chromium: first render and a filter change.
// First render is the hash change to the panel's numbers and first triage rows painted (three runs' digests read, the
// core's buildPanelReview with its 1,000-resample intervals, the DOM). Run: node bench/panel-review.mjs [-- --runs 5]
import { parseArgs } from 'node:util';
import { openBuiltApp, load, printTable } from './browser-page.mjs';
import { seedPanelRuns } from './panel-review-seed.mjs';
import { openSeededReview, timeFilterChange } from './review-page.mjs';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, items: { type: 'string', default: '10000' } },
});
const runs = Number(values.runs);
const items = Number(values.items);
const HASH = '#/panel/run-pb-judge/run-pb-flipper/run-pb-longer';

console.log(`start: ${load()}`);
const app = await openBuiltApp({ mode: 'e2e' });
const { base, browser } = app;

/**
 * In the page: set the hash, resolve on the frame after the accuracy table and triage rows exist,
 * with the state's marks (store read, figures built), then time the intervals that follow.
 */
const open = (hash) =>
  new Promise((res) => {
    performance.clearMarks();
    const t0 = performance.now();
    location.hash = hash;
    const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
    const check = () =>
      document.querySelector('[data-testid=acc-panel] [data-testid=acc-value]') &&
      document.querySelector('[data-testid=panel-row]')
        ? requestAnimationFrame(() => {
            const t1 = performance.now();
            const ci = () =>
              /bootstrap resamples/.test(
                document.querySelector('[data-testid=panel-ci-progress]')?.textContent ?? '',
              )
                ? res({
                    total: t1 - t0,
                    read: mark('arbiter:panel:read') - mark('arbiter:panel:open'),
                    build: mark('arbiter:panel:built') - mark('arbiter:panel:read'),
                    render: t1 - mark('arbiter:panel:built'),
                    intervals: performance.now() - t1,
                  })
                : setTimeout(ci, 5);
            ci();
          })
        : setTimeout(check, 1);
    check();
  });

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await openSeededReview(page, base, seedPanelRuns, items);
  await page.getByTestId('run-item').first().waitFor();

  // The runs were written past the repositories: the first open builds and stores their digests.
  const firstOpen = (await page.evaluate(open, HASH)).total;
  const split = await page.getByTestId('panel-split-count').textContent();

  const render = [];
  const read = [];
  const build = [];
  const paint = [];
  const intervals = [];
  const filter = [];
  for (let r = 0; r < runs; r++) {
    await page.goto(`${base}#/review`);
    await page.getByTestId('run-item').first().waitFor();
    const m = await page.evaluate(open, HASH);
    render.push(m.total);
    read.push(m.read);
    build.push(m.build);
    paint.push(m.render);
    intervals.push(m.intervals);
    // A filter change: click to the list's new count painted (on, off, twice each).
    for (const id of [
      'pfilter-split',
      'pfilter-split',
      'pfilter-panel-wrong',
      'pfilter-panel-wrong',
    ]) {
      filter.push(await timeFilterChange(page, 'panel-triage-count', id));
    }
  }
  printTable(
    `Panel review, 3 members × ${items.toLocaleString()} items (${(6 * items).toLocaleString()} judgments, ${split} split), ${runs} runs, Chromium ${browser.version()}; end: ${load()}`,
    [
      { name: 'first open without digests (builds and stores 3)', unit: 'ms', values: [firstOpen] },
      {
        name: 'first render: hash change → numbers + triage painted',
        unit: 'ms',
        values: render,
        goal: '< 300 ms',
      },
      { name: '  of which: IndexedDB read (3 runs, digests, labels)', unit: 'ms', values: read },
      { name: '  of which: rows + panel figures (no intervals)', unit: 'ms', values: build },
      { name: '  of which: Svelte render to painted frame', unit: 'ms', values: paint },
      { name: '95% intervals, 1,000 resamples (after the paint)', unit: 'ms', values: intervals },
      {
        name: 'filter change: click → new list painted',
        unit: 'ms',
        values: filter,
        goal: '< 100 ms',
      },
    ],
  );
  console.log(`  first render, each in order (ms): ${render.map((t) => t.toFixed(0)).join(', ')}`);
} finally {
  await app.close();
}
