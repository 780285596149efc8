// E2E: the verdict and the last write: it commits first when the disk is quick, a slow one holds the verdict back only briefly ("Saving…"), and a failed write is reported with the judgment kept.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import { fillPair, loadTestModel, waitForSaved } from './support/judge-page';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

interface Probe {
  committedAt: number;
  announcedAt: number;
}

test('the verdict, its focus and its announcement come before the final write commits; "Saving…" shows until it has', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Which is better?', a: 'One.', b: 'Two.' });
  // A slow disk: the transaction that stores the run as done stays busy (reads on it) for 1.5 s.
  await page.evaluate(() => {
    const probe: Probe = { committedAt: 0, announcedAt: 0 };
    (window as unknown as { __probe: Probe }).__probe = probe;
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (
      this: IDBObjectStore,
      value: unknown,
      key?: IDBValidKey,
    ) {
      const req = put.call(this, value, key);
      if (this.name === 'runs' && (value as { status?: string }).status === 'done') {
        const tx = this.transaction;
        const store = tx.objectStore('runs');
        const until = performance.now() + 1500;
        const busy = () => {
          if (performance.now() < until) store.count().onsuccess = busy;
        };
        busy();
        tx.addEventListener('complete', () => (probe.committedAt = performance.now()));
      }
      return req;
    };
    const live = document.querySelector('[data-testid=judge-announcement]');
    new MutationObserver(() => {
      if (!probe.announcedAt && live?.textContent?.startsWith('Verdict:'))
        probe.announcedAt = performance.now();
    }).observe(live as Node, { childList: true, characterData: true, subtree: true });
  });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  await page.getByTestId('saving').waitFor();
  await page.waitForFunction(
    () => (window as unknown as { __probe: Probe }).__probe.announcedAt > 0,
  );
  const during = await page.evaluate(() => ({
    probe: { ...(window as unknown as { __probe: Probe }).__probe },
    focused: document.activeElement?.closest('[data-testid=verdict-card]') !== null,
    judgeEnabled: !(document.querySelector('[data-testid=judge]') as HTMLButtonElement).disabled,
  }));
  // Whether the write has committed by now depends on how busy the machine is; the order of the
  // announcement and the commit is checked below from the times the page itself recorded.
  expect(during.focused).toBe(true);
  expect(during.judgeEnabled).toBe(true);
  expect(await page.getByTestId('judge-announcement').textContent()).toMatch(/^Verdict: /);

  await page.getByTestId('saving').waitFor({ state: 'detached', timeout: 10_000 });
  const after = await page.evaluate(() => ({
    ...(window as unknown as { __probe: Probe }).__probe,
  }));
  expect(after.committedAt).toBeGreaterThan(after.announcedAt);
  expect((await waitForSaved(page)).status).toBe('done');
  expect(await readStore(page, 'judgments')).toHaveLength(2);
  expect(await page.locator('[role=alert]').count()).toBe(0);
  expect(app.errors).toEqual([]);
});

test('with a quick disk the last write commits first, then the last text and the verdict show in one render', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Which is better?', a: 'One.', b: 'Two.' });
  await page.evaluate(() => {
    const probe = { committedAt: 0, verdictAt: 0, lastTextAt: 0 };
    (window as unknown as { __probe: typeof probe }).__probe = probe;
    // The first 'complete' listener of each transaction, before the app's own.
    const transaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (
      this: IDBDatabase,
      ...args: Parameters<IDBDatabase['transaction']>
    ) {
      const tx = transaction.apply(this, args);
      tx.addEventListener('complete', () => {
        if ((tx as unknown as { runDone?: boolean }).runDone) probe.committedAt = performance.now();
      });
      return tx;
    };
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (
      this: IDBObjectStore,
      value: unknown,
      key?: IDBValidKey,
    ) {
      if (this.name === 'runs' && (value as { status?: string }).status === 'done')
        (this.transaction as unknown as { runDone?: boolean }).runDone = true;
      return put.call(this, value, key);
    };
    new MutationObserver(() => {
      const now = performance.now();
      if (!probe.verdictAt && document.querySelector('[data-testid=verdict-card]'))
        probe.verdictAt = now;
      const ba = document.querySelector('[data-testid=stream-BA]');
      if (!probe.lastTextAt && ba?.getAttribute('aria-busy') === 'false') probe.lastTextAt = now;
    }).observe(document.body, { childList: true, subtree: true, attributes: true });
  });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  await page.getByTestId('saving').waitFor({ state: 'detached', timeout: 10_000 });
  const probe = await page.evaluate(
    () =>
      (
        window as unknown as {
          __probe: { committedAt: number; verdictAt: number; lastTextAt: number };
        }
      ).__probe,
  );
  expect(probe.committedAt).toBeGreaterThan(0);
  expect(probe.verdictAt).toBeGreaterThanOrEqual(probe.committedAt);
  // The second order is marked done in the same render as the verdict.
  expect(probe.lastTextAt).toBe(probe.verdictAt);
  expect((await waitForSaved(page)).status).toBe('done');
  expect(app.errors).toEqual([]);
});

test('a final write that fails: the verdict and both texts stay, the banner says it was not saved, the earlier judgment is kept', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Which is better?', a: 'One.', b: 'Two.' });
  // The disk is full when the second order's judgment is written (it lands with the run's end).
  await page.evaluate(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (
      this: IDBObjectStore,
      value: unknown,
      key?: IDBValidKey,
    ) {
      if (this.name === 'judgments' && (value as { order?: string }).order === 'BA')
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.call(this, value, key);
    };
  });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  await page
    .getByText('The verdict below is shown but was not saved.')
    .waitFor({ timeout: 10_000 });
  expect(await page.locator('[role=alert]').first().textContent()).toMatch(/quota|space|full/i);
  await page.getByTestId('saving').waitFor({ state: 'detached' });

  // Still on screen: the verdict and what both orders wrote.
  expect(await page.getByTestId('verdict-card').count()).toBe(1);
  const texts = await page
    .locator('[data-testid=stream-AB], [data-testid=stream-BA]')
    .allTextContents();
  expect(texts).toHaveLength(2);
  for (const t of texts) expect(t.length).toBeGreaterThan(40);
  // Stored: the first order's judgment, and the run is not left "running".
  const judgments = await readStore<{ order: string }>(page, 'judgments');
  expect(judgments.map((j) => j.order)).toEqual(['AB']);
  const runs = await readStore<{ status: string }>(page, 'runs');
  expect(runs.map((r) => r.status)).toEqual(['done']);
});
