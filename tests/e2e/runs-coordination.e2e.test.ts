// E2E: one engine per tab (Judge waits for a batch run), pause/cancel from a watching tab, and the orphan-item sweep.
import type { Page } from 'playwright-core';
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import { engineRequests, fillPair, loadTestModel } from './support/judge-page';
import { queuedTasksRun, scrollSettled } from './support/settle';
import { runLoopsEnded, seedDataset, startRun } from './support/runs-page';
import { expectNoSeriousAxeViolations } from './support/axe';
import { expectNoHorizontalScroll } from './support/layout';

const baseURL = inject('baseURL');
let apps: E2EPage[] = [];

afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

const num = async (page: Page, id: string) =>
  Number(((await page.getByTestId(id).textContent()) ?? '').replace(/,/g, ''));
const status = (page: Page) => page.getByTestId('run-detail-status').textContent();
const storedRun = async (page: Page, runId: string) =>
  (await readStore<{ id: string; status: string }>(page, 'runs')).find((r) => r.id === runId);

/** A tab with the test judge loaded at `tps` tokens a second and a dataset of `items` pairs. */
async function tabWithModel(tps: number, items: number): Promise<E2EPage> {
  const app = await openApp(baseURL);
  apps.push(app);
  await app.page.evaluate((t) => localStorage.setItem('arbiter.test.tps', String(t)), tps);
  await loadTestModel(app.page);
  await seedDataset(app.page, items);
  return app;
}

test('Judge waits while a batch run in this tab uses the engine, and works once it is paused', async () => {
  const app = await tabWithModel(100, 12);
  const { page } = app;
  const runId = await startRun(page, baseURL);
  await expect.poll(() => num(page, 'run-done'), { timeout: 20_000 }).toBeGreaterThan(0);

  await fillPair(page, { prompt: 'Which number is prime?', a: '7 is prime.', b: '8 is prime.' });
  const busy = page.getByTestId('engine-busy');
  await busy.waitFor();
  expect(await page.getByTestId('judge').isDisabled()).toBe(true);
  // The notice reads well on a phone and keeps the page accessible.
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoHorizontalScroll(page, 'Judge with the engine-busy notice at 390 px');
  await expectNoSeriousAxeViolations(page, 'Judge with the engine-busy notice at 390 px');
  if (size) await page.setViewportSize(size);
  // The keyboard shortcut is refused too: no verdict, no error, the run goes on.
  await page.locator('#prompt').press('Control+Enter');
  await queuedTasksRun(page);
  expect(await page.getByTestId('stream-AB').count()).toBe(0);
  expect(await page.getByTestId('verdict-card').count()).toBe(0);

  // The notice links to the run; pause it there and Judge is free again.
  await busy.getByRole('link', { name: 'a batch run' }).click();
  await page.waitForURL(new RegExp(`#/runs/${runId}$`));
  await page.getByTestId('run-pause').click();
  await expect.poll(() => status(page), { timeout: 20_000 }).toBe('paused');
  await page.goto(new URL('#/judge', baseURL).href);
  await page.getByTestId('judge').waitFor();
  // "Paused" shows at once; the engine is free when the generation in flight has ended.
  await expect.poll(() => page.getByTestId('engine-busy').count(), { timeout: 20_000 }).toBe(0);
  expect(await page.getByTestId('judge').isDisabled()).toBe(false);
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  expect((await storedRun(page, runId))?.status).toBe('paused');
  expect(app.errors).toEqual([]);
});

test('the test prompt, the demo and the meta-judge wait too while a batch run in this tab uses the engine', async () => {
  const app = await tabWithModel(100, 60);
  const { page } = app;
  const runId = await startRun(page, baseURL);
  // Items are judged in order, both orders each: with two done, the first item has the two
  // judgments the meta-judge below is offered (its candidates are read when the item opens).
  await expect.poll(() => num(page, 'run-done'), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);

  await page.goto(new URL('#/models', baseURL).href);
  await page.getByTestId('model-ready').waitFor();
  const busy = page.getByTestId('engine-busy');
  await busy.waitFor();
  expect(await busy.textContent()).toMatch(/The test prompt is available\s+again/);
  expect(await page.getByTestId('test-prompt').isDisabled()).toBe(true);

  await page.goto(new URL('#/demo', baseURL).href);
  await page.getByTestId('humans').waitFor();
  await busy.waitFor();
  expect(await busy.textContent()).toMatch(/The demo is available\s+again/);
  expect(await page.getByTestId('humans-run').isDisabled()).toBe(true);

  // The run's own item: its two orders are two judgments the meta-judge could compare.
  await page.goto(new URL(`#/review/${runId}`, baseURL).href);
  await page.getByTestId('meta-judge').waitFor({ timeout: 20_000 });
  const picks = page.getByTestId('meta-pick');
  await expect.poll(() => picks.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  await picks.nth(0).check();
  await picks.nth(1).check();
  await busy.waitFor();
  expect(await busy.textContent()).toMatch(/The meta-judge is available\s+again/);
  expect(await page.getByTestId('meta-run').isDisabled()).toBe(true);

  // Paused, the engine is free again for each of them.
  await page.goto(new URL(`#/runs/${runId}`, baseURL).href);
  await page.getByTestId('run-pause').click();
  await expect.poll(() => status(page), { timeout: 20_000 }).toBe('paused');
  await page.goto(new URL('#/models', baseURL).href);
  await expect.poll(() => page.getByTestId('engine-busy').count(), { timeout: 20_000 }).toBe(0);
  await page.getByTestId('test-prompt').click();
  await page.getByTestId('test-speed').waitFor({ timeout: 30_000 });
  expect(app.errors).toEqual([]);
});

test('a run cancelled from another tab while this tab waits to take it up is never judged', async () => {
  const app = await tabWithModel(5, 4);
  const { page, context } = app;
  // A pair on the Judge page holds the engine: the run this tab starts waits for it.
  await fillPair(page, { prompt: 'Which number is prime?', a: '7 is prime.', b: '8 is prime.' });
  await page.getByTestId('judge').click();
  await page.getByTestId('stream-AB').waitFor();
  const runId = await startRun(page, baseURL);

  const second = await context.newPage();
  await second.goto(new URL(`#/runs/${runId}`, baseURL).href);
  await second.getByTestId('run-cancel').click();
  await expect.poll(() => status(second), { timeout: 20_000 }).toBe('cancelled');
  // Still only the pair's generations: the run was waiting, not judging.
  expect(await engineRequests(page)).toBeLessThanOrEqual(2);

  // The pair ends, the engine is free: the run must stay cancelled, never judged.
  await page.goto(new URL('#/judge', baseURL).href);
  await page.getByTestId('verdict-card').waitFor({ timeout: 90_000 });
  // The tab's run loop saw the engine free, found the run cancelled and let go of the engine.
  await runLoopsEnded(page);
  // No generation for the run: the engine did the pair's two orders and nothing since.
  expect(await engineRequests(page)).toBe(2);
  expect((await storedRun(page, runId))?.status).toBe('cancelled');
  const judged = (await readStore<{ runId: string }>(page, 'judgments')).filter(
    (j) => j.runId === runId,
  );
  expect(judged).toEqual([]);
  expect(app.errors).toEqual([]);
});

test('a watching tab pauses and cancels the run another tab is judging; every tab follows', async () => {
  const app = await tabWithModel(100, 16);
  const { page, context } = app;
  const runId = await startRun(page, baseURL);

  const second = await context.newPage();
  await second.goto(new URL(`#/runs/${runId}`, baseURL).href);
  await second.getByTestId('readonly-banner').waitFor();
  await expect.poll(() => num(second, 'run-done'), { timeout: 20_000 }).toBeGreaterThan(0);
  expect(await engineRequests(second)).toBe(0);

  // Pause from the watching tab: the owner stops, and both tabs and the store say paused.
  await second.getByTestId('run-pause').click();
  await expect.poll(() => status(page), { timeout: 20_000 }).toBe('paused');
  await expect.poll(() => status(second), { timeout: 20_000 }).toBe('paused');
  expect((await storedRun(page, runId))?.status).toBe('paused');
  const sent = await engineRequests(page);
  // The owner's loop has ended its generation in flight and let go of the engine.
  await runLoopsEnded(page);
  expect(await engineRequests(page)).toBe(sent);
  const stored = (await readStore<{ runId: string }>(page, 'judgments')).filter(
    (j) => j.runId === runId,
  ).length;
  expect(stored).toBeLessThan(32);

  // Resume; whichever tab takes the engine, the other one watches and cancels.
  await page.getByTestId('run-resume').click();
  let watcher: Page | null = null;
  await expect
    .poll(
      async () => {
        for (const p of [page, second]) {
          const other = p === page ? second : page;
          if (
            (await p.getByTestId('readonly-banner').count()) === 1 &&
            (await engineRequests(other)) > (other === page ? sent : 0)
          ) {
            watcher = p;
            return true;
          }
        }
        return false;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  const w = watcher as unknown as Page;
  await w.getByTestId('run-cancel').click();
  await expect.poll(() => status(page), { timeout: 20_000 }).toBe('cancelled');
  await expect.poll(() => status(second), { timeout: 20_000 }).toBe('cancelled');
  expect((await storedRun(page, runId))?.status).toBe('cancelled');
  expect(app.errors).toEqual([]);
});

test('on start, items of an import that never finished are swept; an import running in another tab is not', async () => {
  const app = await openApp(baseURL);
  apps.push(app);
  const { page, context } = app;
  await seedDataset(page, 5, 'ds-kept');
  // The other tab's import takes its lock before writing items, as DatasetsState does.
  const other = await context.newPage();
  await other.goto(new URL('#/privacy', baseURL).href);
  await other.evaluate(
    () =>
      new Promise<void>((held) => {
        void navigator.locks.request('arbiter.import.ds-live', () => {
          held();
          return new Promise(() => {});
        });
      }),
  );

  // A closed tab's half import (no dataset record) and a live one in another tab (its lock held).
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('arbiter');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const tx = db.transaction('items', 'readwrite');
    for (const ds of ['ds-orphan', 'ds-live'])
      for (let i = 0; i < 700; i++)
        tx.objectStore('items').put({
          id: `${ds}:${i}`,
          datasetId: ds,
          index: i,
          prompt: `p${i}`,
          responseA: 'a',
          responseB: 'b',
          meta: {},
        });
    await new Promise<void>((res, rej) => {
      tx.oncomplete = () => res();
      tx.onerror = () => rej(tx.error);
    });
    db.close();
  });
  const count = async (ds: string) =>
    (await readStore<{ datasetId?: string }>(page, 'items')).filter((i) => i.datasetId === ds)
      .length;
  await page.reload();
  await expect.poll(() => count('ds-orphan'), { timeout: 20_000 }).toBe(0);
  expect(await count('ds-live')).toBe(700);
  expect(await count('ds-kept')).toBe(5);
  // The live import's tab closes without finishing: the next start sweeps its items too.
  await other.close();
  await page.reload();
  await expect.poll(() => count('ds-live'), { timeout: 20_000 }).toBe(0);
  expect(await count('ds-kept')).toBe(5);
  await page.goto(new URL('#/datasets', baseURL).href);
  await page.getByText('E2E set 5').first().waitFor();
  expect(app.errors).toEqual([]);
});

test('a 10,000-item run: the results list is virtualised, scrolls by keyboard and keeps only rows on screen in the page', async () => {
  const app = await openApp(baseURL);
  apps.push(app);
  const { page } = app;
  await page.evaluate(() => localStorage.setItem('arbiter.test.tps', '2000'));
  await loadTestModel(page);
  await seedDataset(page, 10_000);
  const runId = await startRun(page, baseURL);
  await expect.poll(() => num(page, 'run-done'), { timeout: 60_000 }).toBeGreaterThan(4);
  await page.getByTestId('run-pause').click();
  await expect.poll(() => status(page), { timeout: 20_000 }).toBe('paused');
  await page.reload();
  await page.getByTestId('results-count').getByText('10,000 items').waitFor();

  const rows = page.getByTestId('result-row');
  const indexes = async () =>
    (await rows.evaluateAll((els) => els.map((e) => Number(e.firstElementChild?.textContent))))
      .filter((x) => Number.isFinite(x))
      .sort((a, b) => a - b);
  // Only a screenful (plus virtua's buffer) is in the DOM, not 10,000 rows.
  const first = await indexes();
  // Items are numbered from 1, as in Review.
  expect(first[0]).toBe(1);
  expect(first.length).toBeGreaterThan(5);
  expect(first.length).toBeLessThan(80);
  // The first item was judged before the pause: its verdict is read and shown.
  await expect
    .poll(() => page.getByTestId('result-verdict').first().textContent())
    .toMatch(/^(A|B|tie)$/);

  // Keyboard: focus the list, End goes to the last row, PageUp moves back, Home returns.
  const list = page.getByTestId('results-rows');
  await list.focus();
  expect(await list.evaluate((e) => e === document.activeElement)).toBe(true);
  await page.keyboard.press('End');
  await expect.poll(async () => (await indexes()).at(-1), { timeout: 10_000 }).toBe(10000);
  const last = await page
    .getByRole('row')
    .filter({ hasText: /^10000/ })
    .first();
  await last.waitFor();
  // Not judged yet: shown as pending once its judgments were read (no verdict).
  expect(await last.getByTestId('result-verdict').textContent()).toMatch(/^(…|none)$/);
  // Page Up scrolls the list natively (virtua may still be settling the jump: let it finish).
  await scrollSettled(list);
  expect(await list.evaluate((e) => e === document.activeElement)).toBe(true);
  const atEnd = await list.evaluate((e) => e.scrollTop);
  await page.keyboard.press('PageUp');
  await expect
    .poll(() => list.evaluate((e) => e.scrollTop), { timeout: 10_000 })
    .toBeLessThan(atEnd);
  await page.keyboard.press('Home');
  await expect.poll(async () => (await indexes())[0], { timeout: 10_000 }).toBe(1);
  expect((await indexes()).length).toBeLessThan(80);
  expect((await storedRun(page, runId))?.status).toBe('paused');
  expect(app.errors).toEqual([]);
});
