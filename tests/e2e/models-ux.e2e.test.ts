// E2E: the Models page as a user meets it: the test prompt (flag, streaming, stop), focus after a
// load, and a newly added custom model brought into view.
import { afterEach, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, type E2EPage } from './support/browser';
import { chooseModel } from './support/judge-page';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The last request the test engine of `modelId` received. */
function lastRequest(page: Page, modelId: string): Promise<Record<string, unknown> | null> {
  return page.evaluate((id) => {
    const stats = (
      window as unknown as {
        __arbiterTest?: { lastRequest: Record<string, Record<string, unknown>> };
      }
    ).__arbiterTest;
    return stats?.lastRequest[id] ?? null;
  }, modelId);
}

async function load(page: Page, modelId: string): Promise<void> {
  await chooseModel(page, modelId);
  await page.getByTestId('load-model').click();
  await page.getByTestId('model-ready').waitFor();
}

test('the test prompt sends enable_thinking only to thinking models, streams, and can be stopped', async () => {
  app = await openApp(baseURL, { path: '/#/models' });
  const { page } = app;
  await page.evaluate(() => localStorage.setItem('arbiter.test.tps', '15'));

  await load(page, 'arbiter-test-judge-small-context');
  // After a load, focus is on the notice that says the model is ready (Load was replaced).
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
    .toBe('model-ready');
  await page.getByTestId('test-prompt').click();
  await page.getByTestId('test-speed').waitFor();
  const plain = await lastRequest(page, 'arbiter-test-judge-small-context');
  expect(plain).not.toBeNull();
  expect(Object.keys(plain!)).not.toContain('enable_thinking');

  await load(page, 'arbiter-test-judge');
  await page.getByTestId('test-prompt').click();
  await page.getByTestId('test-speed').waitFor();
  expect((await lastRequest(page, 'arbiter-test-judge'))?.enable_thinking).toBe(false);

  // At 15 tok/s it is slow enough to watch: the text grows while it runs, and Stop ends it
  // without an error.
  await page.getByTestId('test-prompt').click();
  const text = page.getByTestId('test-text');
  await text.waitFor();
  const first = (await text.textContent())?.length ?? 0;
  await expect.poll(async () => (await text.textContent())?.length ?? 0).toBeGreaterThan(first);
  await page.getByTestId('test-prompt-cancel').click();
  await page.getByTestId('test-prompt').waitFor();
  expect(await page.locator('[data-testid=model-ready] [role=alert]').count()).toBe(0);
  expect(await page.getByTestId('test-speed').count()).toBe(0);
  expect(app.errors).toEqual([]);
});

test('a newly added custom model is selected, scrolled into view in the table and focused', async () => {
  app = await openApp(baseURL, { path: '/#/models' });
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByTestId('model-table').waitFor();
  await page.getByRole('button', { name: 'Custom model…' }).click();
  await page.getByLabel('Model folder URL').fill('https://example.test/m/Custom-q4f32_1-MLC/');
  await page
    .getByLabel('Model library URL (.wasm)')
    .fill('https://example.test/l/Custom-q4f32_1-webgpu.wasm');
  await page.getByRole('button', { name: 'Add model' }).click();
  const radio = page.locator('input[name=model][value="Custom-q4f32_1-MLC"]');
  expect(await radio.isChecked()).toBe(true);
  await expect.poll(() => radio.evaluate((el) => document.activeElement === el)).toBe(true);
  // Inside the table's scroll box and inside the window.
  const visible = await radio.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const box = el.closest('.wrap')!.getBoundingClientRect();
    return r.top >= box.top && r.bottom <= box.bottom && r.top >= 0 && r.bottom <= innerHeight;
  });
  expect(visible).toBe(true);
});
