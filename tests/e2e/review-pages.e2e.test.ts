// E2E: review pages say "not found" and "nothing to compare" plainly, show LLMBar's numbers beside a one-subset run, and fit a phone.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, type E2EPage } from './support/browser';
import { expectNoHorizontalScroll } from './support/layout';
import { expectNoSeriousAxeViolations } from './support/axe';
import { seedFixture } from './support/seed-fixture';
import { loadTestModel } from './support/judge-page';
import { llmbarFixture, pandalmFixture } from '../review/fixtures';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
}, 180_000);

test('an unknown address and an unknown run say "not found"', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await page.goto(new URL('#/nope', baseURL).href);
  await page.getByTestId('not-found').waitFor();
  expect(await page.getByTestId('not-found').textContent()).toMatch(/Page not found/);
  expect(await page.getByTestId('judge').count()).toBe(0);
  await expectNoSeriousAxeViolations(page, 'not found');

  await page.goto(new URL('#/leaderboard/no-such-run', baseURL).href);
  await page.getByTestId('leaderboard-missing').waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('leaderboard-missing').textContent()).toMatch(/Run not found/);
  expect(await page.getByTestId('no-leaderboard').count()).toBe(0);
  expect(app.errors).toEqual([]);
});

test('compare of runs of two datasets says there is nothing to compare; the picker marks them', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await seedFixture(page, baseURL, pandalmFixture());
  await seedFixture(page, baseURL, llmbarFixture());
  await page.reload();
  await page.getByTestId('compare-a').selectOption('run-llmbar');
  const options = await page.getByTestId('compare-b').locator('option').allTextContents();
  expect(options.filter((o) => /other dataset: nothing in common/.test(o))).toHaveLength(2);
  expect(options.find((o) => o.startsWith('LLMBar'))).not.toMatch(/other dataset/);

  await page.goto(new URL('#/compare/run-llmbar/run-gpt35', baseURL).href);
  const nothing = page.getByTestId('compare-nothing');
  await nothing.waitFor({ timeout: 30_000 });
  expect(await nothing.textContent()).toMatch(/Nothing to compare/);
  expect(await page.getByText('agree on every shared item').count()).toBe(0);
  expect(app.errors).toEqual([]);
});

test('compare and leaderboard fit 360 px; the leaderboard note reads "seed 1). Length control"', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await seedFixture(page, baseURL, pandalmFixture());
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(new URL('#/compare/run-gpt35/run-pandalm7b', baseURL).href);
  await page.getByTestId('compare').waitFor({ timeout: 30_000 });
  await page.getByTestId('cmp-diff-row').first().waitFor();
  await expectNoHorizontalScroll(page, 'compare at 360 px');

  await page.goto(new URL('#/leaderboard/run-pandalm7b', baseURL).href);
  await page.getByTestId('leaderboard').waitFor({ timeout: 30_000 });
  await expectNoHorizontalScroll(page, 'leaderboard at 360 px');
  await page.getByTestId('length-control').check();
  await expect.poll(() => page.getByTestId('lb-lc').count(), { timeout: 30_000 }).toBe(5);
  expect(await page.getByTestId('leaderboard').textContent()).toMatch(
    /seed 1\)\. Length control fits/,
  );
  await expectNoHorizontalScroll(page, 'leaderboard with length control at 360 px');
  expect(app.errors).toEqual([]);
});

test('a run of LLMBar Natural alone shows the published numbers for "Natural"', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  const f = llmbarFixture();
  const natural = new Set(
    f.items.filter((it) => it.meta['subset'] === 'Natural').map((it) => it.id),
  );
  f.items = f.items.filter((it) => natural.has(it.id));
  f.judgments = f.judgments.filter((j) => natural.has(j.itemId));
  await seedFixture(page, baseURL, f);
  await page.goto(new URL('#/review/run-llmbar', baseURL).href);
  const ref = page.getByTestId('reference');
  await ref.waitFor({ timeout: 30_000 });
  expect(await ref.locator('thead th').allTextContents()).toEqual(['Evaluator', 'Natural']);
  expect(await page.getByText('its items name no subset').count()).toBe(0);
});

test('meta-judge: disabled until a model is loaded; in History its two orders show as a comparison', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  const f = llmbarFixture();
  await seedFixture(page, baseURL, f);
  await page.goto(new URL('#/review/run-llmbar', baseURL).href);
  await page.getByTestId('meta-judge').waitFor({ timeout: 30_000 });
  const picks = page.getByTestId('meta-pick');
  await expect.poll(() => picks.count()).toBe(2);
  await picks.nth(0).check();
  await picks.nth(1).check();
  expect(await page.getByTestId('meta-run').isDisabled()).toBe(true);
  expect(await page.getByTestId('meta-no-model').textContent()).toMatch(/Load a model first/);

  await loadTestModel(page);
  await page.goto(new URL('#/review/run-llmbar', baseURL).href);
  await expect.poll(() => picks.count(), { timeout: 30_000 }).toBe(2);
  await picks.nth(0).check();
  await picks.nth(1).check();
  expect(await page.getByTestId('meta-no-model').count()).toBe(0);
  await page.getByTestId('meta-run').click();
  await page.getByTestId('meta-result').waitFor({ timeout: 30_000 });

  await page.goto(new URL('#/history', baseURL).href);
  // The seeded batch run is one run row; the meta-judge comparison is the one pair row.
  await page.getByTestId('history-run-row').first().waitFor();
  const row = page.getByTestId('history-row');
  expect(await row.count()).toBe(1);
  await row.first().locator('a').click();
  await page.getByTestId('history-detail').waitFor();
  const titles = await page.locator('[data-testid^="stream-"] h3').allTextContents();
  expect(titles.map((t) => t.trim())).toEqual([
    'Order 1: A shown first',
    'Order 2: B shown first (swapped)',
  ]);
  expect(await page.getByTestId('verdict-card').getAttribute('data-consistency')).not.toBeNull();
});
