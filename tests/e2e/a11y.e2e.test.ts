// E2E: every view and state passes axe-core (no serious or critical violation) and fits a phone's width.
import { afterEach, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, type E2EPage } from './support/browser';
import { expectNoSeriousAxeViolations } from './support/axe';
import { expectNoHorizontalScroll } from './support/layout';
import { fillPair, loadTestModel } from './support/judge-page';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Judge one pair so History has a row and the Judge page a verdict; returns the history run URL. */
async function judgeOnce(page: Page): Promise<void> {
  await loadTestModel(page);
  await fillPair(page, { prompt: 'What is the capital of France?', a: 'Paris.', b: 'Lyon.' });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
}

async function historyDetail(page: Page): Promise<void> {
  await page.goto(new URL('#/history', baseURL).href);
  await page.getByTestId('history-row').first().locator('a').click();
  await page.getByTestId('history-detail').waitFor();
}

test('axe: empty views, and Models while loading and loaded', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  // The test engine (in its worker, which reads this when it starts) takes 8 s to load here.
  await page.evaluate(() => localStorage.setItem('arbiter.test.loadMs', '8000'));
  await page.reload();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByTestId('judge').waitFor();
  await expectNoSeriousAxeViolations(page, 'judge, empty');

  await page.goto(new URL('#/history', baseURL).href);
  await page.getByTestId('history-empty').waitFor();
  await expectNoSeriousAxeViolations(page, 'history, empty');

  await page.goto(new URL('#/models', baseURL).href);
  await page.getByTestId('device-summary').waitFor();
  await expectNoSeriousAxeViolations(page, 'models');

  // Loading, held still long enough for axe to look at the loading state.
  await page.locator('input[name=model][value="arbiter-test-judge"]').check();
  await page.getByTestId('load-model').click();
  await page.getByTestId('cancel-load').waitFor({ timeout: 5000 });
  await expectNoSeriousAxeViolations(page, 'models, loading');
  expect(await page.getByTestId('cancel-load').count()).toBe(1);
  await page.getByTestId('model-ready').waitFor({ timeout: 20_000 });
  await expectNoSeriousAxeViolations(page, 'models, loaded');
  expect(app.errors).toEqual([]);
});

test('axe: a verdict on the Judge page, History and History detail', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 800 });
  await judgeOnce(page);
  await page.getByTestId('prompt-preview').locator('summary').click();
  await expectNoSeriousAxeViolations(page, 'judge, with a flipped verdict and the prompt preview');

  await page.goto(new URL('#/history', baseURL).href);
  await page.getByTestId('history-row').first().waitFor();
  await expectNoSeriousAxeViolations(page, 'history, one row');
  await page.getByTestId('history-delete').click();
  await expectNoSeriousAxeViolations(page, 'history, confirming a delete');
  await page.getByTestId('history-delete-cancel').click();
  await historyDetail(page);
  await expectNoSeriousAxeViolations(page, 'history detail');
  expect(app.errors).toEqual([]);
});

test('axe: errors shown on the Judge page', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 800 });
  await loadTestModel(page, 'arbiter-test-judge-small-context');
  const long = 'This answer goes on and on. '.repeat(120);
  await fillPair(page, { prompt: 'Summarise.', a: long, b: long });
  await page.getByTestId('judge').click();
  await page.locator('[role=alert][data-error-name=ContextWindowExceededError]').waitFor();
  await expectNoSeriousAxeViolations(page, 'judge, too-long error');

  await page.getByText('Options').click();
  await page.getByLabel('Samples per order', { exact: true }).fill('50');
  await page.getByLabel('Temperature', { exact: true }).fill('5');
  await page.locator('#opt-samples-error').waitFor();
  await expectNoSeriousAxeViolations(page, 'judge, options out of range');
  expect(app.errors).toEqual([]);
});

test('axe: the same views in the dark palette', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await judgeOnce(page);
  await expectNoSeriousAxeViolations(page, 'judge with verdict, dark');
  await page.goto(new URL('#/models', baseURL).href);
  await page.getByTestId('model-ready').waitFor();
  await expectNoSeriousAxeViolations(page, 'models, loaded, dark');
  await page.goto(new URL('#/history', baseURL).href);
  await page.getByTestId('history-row').first().waitFor();
  await expectNoSeriousAxeViolations(page, 'history, dark');
  await historyDetail(page);
  await expectNoSeriousAxeViolations(page, 'history detail, dark');
});

for (const width of [360, 390]) {
  test(`no view scrolls sideways at ${width} px`, async () => {
    app = await openApp(baseURL);
    const { page } = app;
    await page.setViewportSize({ width, height: 780 });
    await loadTestModel(page);
    // An unbroken 200-character word (a URL, a hash) must wrap or scroll, not widen the page.
    const long = `https://example.test/${'x'.repeat(200)}`;
    await fillPair(page, { prompt: `Is ${long} a link?`, a: `Yes: ${long}`, b: 'No.' });
    await page.getByTestId('judge').click();
    await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
    const widths: Record<string, number> = {};
    await page.getByText('Options').click();
    await page.getByTestId('prompt-preview').locator('summary').click();
    widths.judge = await expectNoHorizontalScroll(page, `judge with verdict at ${width}`);
    await page.goto(new URL('#/models', baseURL).href);
    await page.getByTestId('model-table').waitFor();
    widths.models = await expectNoHorizontalScroll(page, `models at ${width}`);
    // The table scrolls inside its own box, which keyboards can reach.
    const box = page.getByRole('region', { name: 'Judge models this device can run' });
    expect(await box.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await box.getAttribute('tabindex')).toBe('0');
    await page.getByRole('button', { name: 'Custom model…' }).click();
    widths.modelsCustom = await expectNoHorizontalScroll(page, `models, custom form, at ${width}`);
    await page.goto(new URL('#/history', baseURL).href);
    await page.getByTestId('history-row').first().waitFor();
    widths.history = await expectNoHorizontalScroll(page, `history at ${width}`);
    await page.getByTestId('history-delete').click();
    widths.historyConfirm = await expectNoHorizontalScroll(page, `history, confirm, at ${width}`);
    await page.getByTestId('history-delete-cancel').click();
    await historyDetail(page);
    widths.detail = await expectNoHorizontalScroll(page, `history detail at ${width}`);
    if (process.env.ARBITER_AXE_REPORT)
      console.log(`widths at ${width}: ${JSON.stringify(widths)}`);
  });
}
