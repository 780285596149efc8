// E2E: judgments survive a reload, reopen in full, delete, export, and untrusted text never runs.
import { readFile } from 'node:fs/promises';
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import { fillPair, loadTestModel, waitForSaved } from './support/judge-page';
import { seedDataset, startRun } from './support/runs-page';
import { expectNoSeriousAxeViolations } from './support/axe';
import { expectNoHorizontalScroll } from './support/layout';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

const XSS_ANSWER =
  'Try this: <img src=x onerror="window.__xssRan=3"> <script>window.__xssRan=4</script> [link](javascript:window.__xssRan=5)';

test('a judgment is in history after a reload and reopens in full; delete removes it', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Which planet is largest?', a: 'Jupiter.', b: 'Saturn.' });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  await waitForSaved(page);

  await page.reload();
  await page.goto(new URL('#/history', baseURL).href);
  const row = page.getByTestId('history-row');
  await row.first().waitFor();
  expect(await row.count()).toBe(1);
  expect(await row.first().textContent()).toMatch(/Which planet is largest\?/);
  expect(await row.first().textContent()).toMatch(/flipped/);
  expect(await row.first().textContent()).toMatch(/2 judgments/);

  await page.getByTestId('history-search').fill('saturn');
  await expect.poll(() => row.count()).toBe(1);
  await page.getByTestId('history-search').fill('no such words anywhere');
  await page.getByTestId('history-empty').waitFor();
  await page.getByTestId('history-search').fill('');
  await row.first().waitFor();

  await row.first().locator('a').click();
  const detail = page.getByTestId('history-detail');
  await detail.waitFor();
  expect(await detail.textContent()).toMatch(/Jupiter/);
  expect(await detail.textContent()).toMatch(/J1 pairwise, version 1/);
  expect(await page.getByTestId('stream-AB').textContent()).toMatch(/first answer/);
  expect(await page.getByTestId('stream-BA').textContent()).toMatch(/first answer/);
  expect(await page.getByTestId('verdict-card').getAttribute('data-consistency')).toBe('flipped');

  await page.getByTestId('detail-delete').click();
  // Nothing is deleted until the second, confirming click.
  expect(await page.getByTestId('history-detail').count()).toBe(1);
  await page.getByTestId('detail-delete-confirm').click();
  await page.getByTestId('history-empty').waitFor();
  await page.reload();
  await page.getByTestId('history-empty').waitFor();
});

test('script payloads in an answer and in the model output never run', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await loadTestModel(page);
  await fillPair(page, {
    prompt: 'XSS-OUTPUT: which is safer?',
    a: XSS_ANSWER,
    b: 'Plain answer.',
  });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  await waitForSaved(page);
  // The model's output really carried the payloads (they reached the page and were stored).
  const texts = (await readStore<{ text: string }>(page, 'judgments')).map((j) => j.text);
  expect(texts).toHaveLength(2);
  for (const t of texts) expect(t).toContain('<img src=x onerror=');

  await page.goto(new URL('#/history', baseURL).href);
  await page.getByTestId('history-row').first().locator('a').click();
  const detail = page.getByTestId('history-detail');
  await detail.getByText('Try this:').first().waitFor();
  // The payloads are on the page; an <img src=x onerror> among them would have failed (and run its
  // handler) by the time an <img src=x> added after them has.
  await page.evaluate(
    () =>
      new Promise((done) => {
        const img = new Image();
        img.onload = img.onerror = done;
        img.src = 'x';
      }),
  );

  expect(
    await page.evaluate(() => (window as unknown as { __xssRan?: number }).__xssRan),
  ).toBeUndefined();
  expect(await page.locator('img[onerror], script:not([type=module]):not([src])').count()).toBe(0);
  expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
  expect(dialogs).toBe(0);
});

test('the export holds what was stored, in JSONL and CSV', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Say "hi", politely', a: 'Hi, there,\n"friend"', b: 'Hey.' });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  await waitForSaved(page);
  const stored = await readStore<{ id: string }>(page, 'judgments');
  expect(stored).toHaveLength(2);

  await page.goto(new URL('#/history', baseURL).href);
  await page.getByTestId('history-row').first().waitFor();
  const [jsonl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-jsonl').click(),
  ]);
  const lines = (await readFile(await jsonl.path(), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines[0]).toMatchObject({ type: 'arbiter-judgments', version: 1 });
  const exported = lines.slice(1);
  expect(exported).toHaveLength(2);
  for (const s of stored) {
    const e = exported.find((x: { id: string }) => x.id === s.id);
    expect(e).toMatchObject(s);
    expect(e.item.prompt).toBe('Say "hi", politely');
    expect(e.item.responseA).toBe('Hi, there,\n"friend"');
    expect(e).toMatchObject({
      templateId: 'j1-pairwise',
      templateVersion: 1,
      modelId: 'arbiter-test-judge',
      engine: 'test',
    });
    expect(e.params).toMatchObject({ seed: 42, temperature: 0 });
  }

  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-csv').click(),
  ]);
  const text = await readFile(await csv.path(), 'utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  const header = text.slice(1, text.indexOf('\r\n')).split(',');
  for (const col of ['templateId', 'templateVersion', 'modelId', 'seed', 'order', 'verdict']) {
    expect(header).toContain(col);
  }
  expect(text).toContain('"Hi, there,\n""friend"""');
  expect(text.split('\r\n').filter((l) => l.includes('arbiter-test-judge'))).toHaveLength(2);
});

test('a batch run is one run row linking to the run, and its id never hangs the detail page', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await page.evaluate(() => localStorage.setItem('arbiter.test.tps', '400'));
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Which planet is largest?', a: 'Jupiter.', b: 'Saturn.' });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  await waitForSaved(page);
  await seedDataset(page, 5);
  const runId = await startRun(page, baseURL);
  await expect
    .poll(() => page.getByTestId('run-detail-status').textContent(), { timeout: 60_000 })
    .toBe('done');

  await page.goto(new URL('#/history', baseURL).href);
  const runRow = page.getByTestId('history-run-row');
  await runRow.first().waitFor();
  expect(await runRow.count()).toBe(1);
  expect(await runRow.first().textContent()).toMatch(/Batch run: E2E set 5/);
  expect(await runRow.first().textContent()).toMatch(/10 of 10 judgments/);
  expect(await runRow.locator('a.open').getAttribute('href')).toBe(`#/runs/${runId}`);
  // Deleting a run is the run page's business: no pair-worded Delete on its row.
  expect(await runRow.getByTestId('history-delete').count()).toBe(0);
  // The pair judged on the Judge page is still its own row.
  const pairRows = page.getByTestId('history-row');
  expect(await pairRows.count()).toBe(1);
  expect(await pairRows.first().textContent()).toMatch(/Which planet is largest\?/);
  await expectNoSeriousAxeViolations(page, 'history with a run row');
  await page.setViewportSize({ width: 390, height: 780 });
  await expectNoHorizontalScroll(page, 'history with a run row at 390 px');

  await page.goto(new URL(`#/history/${runId}`, baseURL).href);
  await page.getByTestId('history-detail-run').waitFor();
  expect(
    await page.getByTestId('history-detail-run').locator(`a[href="#/runs/${runId}"]`).count(),
  ).toBe(1);
  expect(app.errors).toEqual([]);
});
