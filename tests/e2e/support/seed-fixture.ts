// Writes a review fixture run (tests/review/fixtures) straight into the app's IndexedDB, once the app has created it.
import type { Page } from 'playwright-core';
import type { FixtureRun } from '../../review/fixtures';

/** Opens the run picker (so the database exists), then writes the fixture's records. */
export async function seedFixture(page: Page, baseURL: string, f: FixtureRun): Promise<void> {
  await page.goto(new URL('#/review', baseURL).href);
  await page.getByTestId('run-picker').waitFor();
  await page.locator('[data-testid="no-runs"], [data-testid="run-item"]').first().waitFor();
  await page.evaluate(async (data) => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('arbiter');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const stores = ['datasets', 'items', 'runs', 'judgments', 'labels'] as const;
    await new Promise<void>((res, rej) => {
      const tx = db.transaction([...stores], 'readwrite');
      tx.objectStore('datasets').put(data.dataset);
      for (const x of data.items) tx.objectStore('items').put(x);
      for (const x of data.runs) tx.objectStore('runs').put(x);
      for (const x of data.judgments) tx.objectStore('judgments').put(x);
      for (const x of data.labels) tx.objectStore('labels').put(x);
      tx.oncomplete = () => res();
      tx.onerror = () => rej(tx.error);
    });
    db.close();
  }, f);
}
