// E2E: storage trouble from another tab is shown with what to do, judging still works, and nothing saved is lost.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import { fillPair, loadTestModel, waitForSaved } from './support/judge-page';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

test('another tab upgrading the database: a clear banner, the verdict still shows, saved work survives', async () => {
  app = await openApp(baseURL);
  const { page, context } = app;
  await loadTestModel(page);
  await fillPair(page, { prompt: 'First pair.', a: 'One.', b: 'Two.' });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  await waitForSaved(page);
  expect(await readStore(page, 'judgments')).toHaveLength(2);

  // A newer Arbiter in another tab opens the database at a higher version.
  const other = await context.newPage();
  await other.goto(new URL('/favicon.svg', baseURL).href);
  await other.evaluate(
    () =>
      new Promise<void>((res, rej) => {
        const r = indexedDB.open('arbiter', 99);
        r.onsuccess = () => {
          r.result.close();
          res();
        };
        r.onerror = () => rej(r.error);
      }),
  );
  const banner = page.locator('[role=alert][data-error-name=StorageVersionError]');
  await banner.waitFor();
  expect(await banner.textContent()).toMatch(/another tab/i);
  expect(await banner.getByRole('button', { name: 'Reload' }).count()).toBe(1);

  // Judging still works; the user is told this verdict was not saved.
  await page.locator('#prompt').fill('Second pair.');
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  await page.getByText('The verdict below is shown but was not saved.').waitFor();

  // What was saved before is all still there.
  const saved = await readStore<{ text: string }>(other, 'judgments');
  expect(saved).toHaveLength(2);
});
