// Runs-view helpers for e2e tests: a dataset written straight into the app's IndexedDB, and starting a run from the UI.
import type { Page } from 'playwright-core';
import { ENGINE_LOCK } from '../../../src/lib/run/coordination';

/** Writes a dataset of `n` pairs straight into the app's IndexedDB (the import view is another helper's). */
export async function seedDataset(page: Page, n: number, id = 'ds-e2e'): Promise<void> {
  await page.evaluate(
    async ({ n, id }) => {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open('arbiter');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const tx = db.transaction(['datasets', 'items'], 'readwrite');
      tx.objectStore('datasets').put({
        id,
        name: `E2E set ${n}`,
        source: 'e2e',
        format: 'arbiter',
        itemCount: n,
        createdAt: Date.now(),
      });
      for (let i = 0; i < n; i++) {
        tx.objectStore('items').put({
          id: `${id}-${i}`,
          datasetId: id,
          index: i,
          prompt: `Question ${i}: name a prime number above ${i * 10}.`,
          responseA: `${i % 2 ? '✔' : ''} A prime: ${i * 10 + 1}.`,
          responseB: `${i % 2 ? '✘' : ''} Not sure.`,
          label: 'A',
          category: i % 3 === 0 ? 'math' : 'other',
          meta: {},
        });
      }
      await new Promise<void>((res, rej) => {
        tx.oncomplete = () => res();
        tx.onerror = () => rej(tx.error);
      });
      db.close();
    },
    { n, id },
  );
}

export async function startRun(page: Page, baseURL: string): Promise<string> {
  await page.goto(new URL('#/runs', baseURL).href);
  await page.getByTestId('run-estimate').getByText('Estimate:').waitFor();
  await page.getByTestId('run-start').click();
  await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
  return decodeURIComponent(page.url().split('/').pop() ?? '');
}

/**
 * Waits until no tab of this page's browser context holds or queues for the batch engine lock:
 * every run loop has returned, so no generation for a paused or cancelled run can start after
 * this (a loop is only started again for a run that is running).
 */
export async function runLoopsEnded(page: Page): Promise<void> {
  await page.waitForFunction(
    async (name) => {
      const { held = [], pending = [] } = await navigator.locks.query();
      return ![...held, ...pending].some((l) => l.name === name);
    },
    ENGINE_LOCK,
    // Interval polling; a loop may wait out a generation that is still streaming.
    { polling: 100, timeout: 90_000 },
  );
}
