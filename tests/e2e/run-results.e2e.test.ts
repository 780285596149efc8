// E2E: a run's results table at 1280 px: whole-word headers, items numbered from 1 with their prompt; protocol names in the Runs list.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, type E2EPage } from './support/browser';
import { loadTestModel } from './support/judge-page';
import { seedDataset, startRun } from './support/runs-page';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

test('results table: headers on one line, rows numbered from 1 with the prompt; Runs list names the protocol', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.evaluate(() => localStorage.setItem('arbiter.test.tps', '400'));
  await loadTestModel(page);
  await seedDataset(page, 3);
  await startRun(page, baseURL);
  await expect
    .poll(() => page.getByTestId('run-detail-status').textContent(), { timeout: 60_000 })
    .toBe('done');

  // Each column name takes one line: a name broken inside a word ("Labe/l") has two line boxes.
  const headers = page.getByRole('columnheader');
  const lines = await headers.evaluateAll((els) =>
    els.map((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return [el.textContent?.trim(), new Set([...range.getClientRects()].map((r) => r.top)).size];
    }),
  );
  expect(lines.map(([name]) => name)).toEqual([
    '#',
    'Prompt',
    'Category',
    'Label',
    'A/B',
    'B/A',
    'Verdict',
    'Consistency',
    'Correct',
    'Failure',
  ]);
  for (const [name, n] of lines) expect(n, `${name}`).toBe(1);

  const first = page.getByTestId('result-row').first();
  const cells = await first.getByRole('cell').allTextContents();
  expect(cells[0]).toBe('1');
  expect(cells[1]).toBe('Question 0: name a prime number above 0.');

  await page.goto(new URL('#/runs', baseURL).href);
  await page.getByTestId('run-row').first().waitFor();
  expect(await page.getByTestId('run-row-protocol').first().textContent()).toBe('J1 pairwise v1');
});
