// E2E: the views added for datasets, runs, review, privacy and demo pass axe-core and fit a phone, with data in them.
import { afterEach, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, type E2EPage } from './support/browser';
import { expectNoSeriousAxeViolations } from './support/axe';
import { expectNoHorizontalScroll } from './support/layout';
import { loadTestModel } from './support/judge-page';
import { domQuiet } from './support/settle';
import { seedDataset, startRun } from './support/runs-page';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Each view, with the element that says it has rendered. */
async function visitAll(page: Page, check: (label: string) => Promise<unknown>): Promise<void> {
  await loadTestModel(page);
  await seedDataset(page, 4, 'ds-a11y');
  const runId = await startRun(page, baseURL);
  await page.getByTestId('run-detail-status').getByText('done').waitFor({ timeout: 60_000 });
  await check('run detail, done');
  const views: [string, string][] = [
    ['#/datasets', 'Datasets'],
    ['#/datasets/ds-a11y', 'E2E set 4'],
    ['#/runs', 'Runs'],
    [`#/review/${encodeURIComponent(runId)}`, ''],
    ['#/review', 'Review'],
    ['#/privacy', 'Privacy'],
    ['#/demo', 'Demo mode'],
  ];
  for (const [hash, heading] of views) {
    await page.goto(new URL(hash, baseURL).href);
    const h1 = page.locator('main h1');
    await h1.first().waitFor({ timeout: 30_000 });
    if (heading) await h1.getByText(heading).first().waitFor();
    // Lazy views settle (charts, lists) before they are checked.
    await domQuiet(page);
    await check(hash);
  }
}

test('axe: datasets, runs, review, privacy and demo views with data', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 800 });
  await visitAll(page, (label) => expectNoSeriousAxeViolations(page, label));
});

test('datasets, runs, review, privacy and demo views do not scroll sideways at 390 px', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await page.setViewportSize({ width: 390, height: 780 });
  const widths: number[] = [];
  await visitAll(page, async (label) => {
    widths.push(await expectNoHorizontalScroll(page, `${label} at 390`));
  });
  expect(widths).toHaveLength(8);
  expect(Math.max(...widths)).toBeLessThanOrEqual(390);
});
