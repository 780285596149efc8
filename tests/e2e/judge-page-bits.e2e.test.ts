// E2E: small things on the Judge page: focus while a model loads from it, and the model line's spacing.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, type E2EPage } from './support/browser';
import { fillPair, loadTestModel } from './support/judge-page';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

const focused = (page: E2EPage['page']) =>
  page.evaluate(() =>
    document.activeElement === document.body
      ? 'body'
      : (document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName),
  );

test('Enter on "Load <model>" leaves focus on the loading note, not on the page body', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  // A load that lasts while the test looks; the test never waits for it to end.
  await page.evaluate(() => localStorage.setItem('arbiter.test.loadMs', '60000'));
  await fillPair(page, { prompt: 'Pick one.', a: 'One.', b: 'Two.' });
  await page.getByTestId('judge-load-model').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('judge-loading-note').waitFor();
  await expect.poll(() => focused(page)).toBe('judge-loading-note');
});

test('the model line reads "with <model> · Ctrl+Enter"', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Pick one.', a: 'One.', b: 'Two.' });
  await expect
    .poll(() => page.getByText(/^with arbiter-test-judge/).textContent())
    .toBe('with arbiter-test-judge · Ctrl+Enter');
});
