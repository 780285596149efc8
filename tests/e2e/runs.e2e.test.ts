// E2E: batch runs from the Runs page survive reloads, a second tab, device loss and crashes; workspaces round-trip.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import { engineRequests, loadTestModel } from './support/judge-page';
import { seedDataset, startRun } from './support/runs-page';

const baseURL = inject('baseURL');
let apps: E2EPage[] = [];

afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

interface J {
  runId: string;
  key: string;
  itemId: string;
  order: string;
}

const num = async (page: Page, id: string) =>
  Number(((await page.getByTestId(id).textContent()) ?? '').replace(/,/g, ''));

/** The run's stored judgments: every (item, order) exactly once. */
async function checkJudgments(page: Page, runId: string, expected: number): Promise<void> {
  const all = (await readStore<J>(page, 'judgments')).filter((j) => j.runId === runId);
  expect(all).toHaveLength(expected);
  expect(new Set(all.map((j) => j.key)).size).toBe(expected);
  expect(new Set(all.map((j) => `${j.itemId}/${j.order}`)).size).toBe(expected);
}

test('reload mid-run five times: the run resumes and completes, every judgment exactly once', async () => {
  const app = await openApp(baseURL);
  apps.push(app);
  const { page } = app;
  await page.evaluate(() => localStorage.setItem('arbiter.test.tps', '300'));
  await loadTestModel(page);
  await seedDataset(page, 24);
  const runId = await startRun(page, baseURL);
  expect(await num(page, 'run-total')).toBe(48);

  let last = 0;
  for (let i = 0; i < 5; i++) {
    // Wait until more work is stored than before, then pull the page away mid-run.
    await expect
      .poll(async () => (await readStore<J>(page, 'judgments')).length, { timeout: 30_000 })
      .toBeGreaterThan(last);
    last = (await readStore<J>(page, 'judgments')).length;
    await page.reload();
  }
  expect(last).toBeLessThan(48);
  // After the last reload the tab loads the run's model again by itself and finishes.
  await expect
    .poll(() => page.getByTestId('run-detail-status').textContent(), { timeout: 60_000 })
    .toBe('done');
  await checkJudgments(page, runId, 48);
  const run = (
    await readStore<{ id: string; status: string; progress: { done: number } }>(page, 'runs')
  ).find((r) => r.id === runId);
  expect(run).toMatchObject({ status: 'done', progress: { done: 48 } });
  await expect.poll(() => page.getByTestId('results-count').textContent()).toMatch(/^24 items/);
  // The first rows on screen show their verdicts (the list is virtualised).
  await expect
    .poll(() => page.getByTestId('result-verdict').first().textContent())
    .toMatch(/^(A|B|tie)$/);
  expect(app.errors).toEqual([]);
});

test('a second tab follows the run read-only and takes over when the owner closes', async () => {
  const app = await openApp(baseURL);
  apps.push(app);
  const { page, context } = app;
  await page.evaluate(() => localStorage.setItem('arbiter.test.tps', '150'));
  await loadTestModel(page);
  await seedDataset(page, 16);
  const runId = await startRun(page, baseURL);

  const second = await context.newPage();
  await second.goto(new URL(`#/runs/${runId}`, baseURL).href);
  await second.getByTestId('readonly-banner').waitFor();
  // Pause and Cancel ask the owner tab (runs-coordination.e2e.test.ts); Resume is not offered.
  expect(await second.getByTestId('run-pause').isDisabled()).toBe(false);
  expect(await second.getByTestId('run-resume').count()).toBe(0);
  // Live progress arrives from the owner tab.
  const seen = await num(second, 'run-done');
  await expect.poll(() => num(second, 'run-done'), { timeout: 20_000 }).toBeGreaterThan(seen);

  await page.close();
  await second.getByTestId('readonly-banner').waitFor({ state: 'detached', timeout: 20_000 });
  await expect
    .poll(() => second.getByTestId('run-detail-status').textContent(), { timeout: 60_000 })
    .toBe('done');
  expect(await engineRequests(second)).toBeGreaterThan(0);
  await checkJudgments(second, runId, 32);
});

test('a device loss and a worker crash mid-run: the model is reloaded and the run completes', async () => {
  const app = await openApp(baseURL);
  apps.push(app);
  const { page } = app;
  await page.evaluate(() => {
    localStorage.setItem('arbiter.test.tps', '400');
    localStorage.setItem('arbiter.test.failAt', JSON.stringify({ 5: 'device-lost', 11: 'crash' }));
  });
  await loadTestModel(page);
  await seedDataset(page, 10);
  const runId = await startRun(page, baseURL);
  const retry = page.getByTestId('run-retry');
  await retry.waitFor({ timeout: 30_000 });
  expect(await retry.textContent()).toMatch(/GPU device was lost|engine stopped/);
  await expect
    .poll(() => page.getByTestId('run-detail-status').textContent(), { timeout: 60_000 })
    .toBe('done');
  await checkJudgments(page, runId, 20);
  // 20 judgments plus the 2 calls that failed.
  expect(await engineRequests(page)).toBe(20);
  expect(app.errors).toEqual([]);
});

test('export → import on another machine → export again is equal; a second import adds nothing', async () => {
  const a = await openApp(baseURL);
  apps.push(a);
  await a.page.evaluate(() => localStorage.setItem('arbiter.test.tps', '1000'));
  await loadTestModel(a.page);
  await seedDataset(a.page, 6);
  const runId = await startRun(a.page, baseURL);
  await expect
    .poll(() => a.page.getByTestId('run-detail-status').textContent(), { timeout: 60_000 })
    .toBe('done');

  // Per-item CSV of the run: header + one row per item.
  await a.page.getByTestId('run-export-format').selectOption('items-csv');
  const [csvDl] = await Promise.all([
    a.page.waitForEvent('download'),
    a.page.getByTestId('run-export').click(),
  ]);
  const csv = await readFile((await csvDl.path()) as string, 'utf8');
  expect(csv.trim().split('\r\n')).toHaveLength(7);

  const exportAll = async (page: Page) => {
    await page.goto(new URL('#/runs', baseURL).href);
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-workspace').click(),
    ]);
    return readFile((await dl.path()) as string, 'utf8');
  };
  const first = await exportAll(a.page);
  const lines = first.trim().split('\n');
  expect(JSON.parse(lines[0] as string)).toMatchObject({ type: 'arbiter-workspace', version: 1 });
  expect(lines.filter((l) => l.includes('"kind":"judgment"'))).toHaveLength(12);

  const b = await openApp(baseURL, { path: '/#/runs' });
  apps.push(b);
  const file = { name: 'ws.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(first) };
  await b.page.getByTestId('import-workspace').setInputFiles(file);
  await expect
    .poll(() => b.page.getByTestId('import-report').textContent())
    .toMatch(/Imported 1 datasets, 6 items, 1 runs,\s+12 judgments/);
  const second = await exportAll(b.page);
  expect(second.trim().split('\n').slice(1)).toEqual(lines.slice(1));

  await b.page.getByTestId('import-workspace').setInputFiles(file);
  await expect
    .poll(() => b.page.getByTestId('import-report').textContent())
    .toMatch(/Imported 0 datasets, 0 items, 0 runs,\s+0 judgments/);
  const stored = (await readStore<J>(b.page, 'judgments')).filter((j) => j.runId === runId);
  expect(stored).toHaveLength(12);
  await b.page.goto(new URL(`#/runs/${runId}`, baseURL).href);
  await expect.poll(() => b.page.getByTestId('run-detail-status').textContent()).toBe('done');
  await expect.poll(() => b.page.getByTestId('result-row').count()).toBe(6);
  await expect
    .poll(() => b.page.getByTestId('result-verdict').allTextContents())
    .toEqual(expect.arrayContaining([expect.stringMatching(/^(A|B|tie)$/)]));
});

test('a results file from the first CLI version imports from the Runs page and opens its Run page with its numbers', async () => {
  const b = await openApp(baseURL, { path: '/#/runs' });
  apps.push(b);
  const text = await readFile(
    new URL('../data/fixtures/cli-results-v1.jsonl', import.meta.url),
    'utf8',
  );
  await b.page.getByTestId('import-workspace').setInputFiles({
    name: 'results.jsonl',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(text),
  });
  await expect
    .poll(() => b.page.getByTestId('import-report').textContent())
    .toMatch(/6 items,[\s\S]*12 judgments[\s\S]*1 run summary written by an older\s+version/);
  await b.page.goto(new URL('#/runs/cli-b837883ffbc80385', baseURL).href);
  await expect.poll(() => b.page.getByTestId('result-row').count()).toBe(6);
  // Worked out by hand in tests/run/frozen-files.test.ts: 3 of the 5 items with a verdict agree.
  const summary = b.page.getByTestId('run-summary');
  await expect
    .poll(() => summary.textContent())
    .toMatch(/Verdicts: A 1, B 2, tie 2, none\s+1\. Flipped 1\./);
  expect(await b.page.getByTestId('agreement-parsed').textContent()).toBe('60.0%');
  expect(await b.page.getByTestId('agreement-failed').textContent()).toMatch(/^1 item without/);
  expect(await b.page.getByTestId('agreement-strict').textContent()).toBe('50.0%');
  expect(b.errors).toEqual([]);
});
