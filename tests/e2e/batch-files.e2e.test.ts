// E2E: a batch prepared by the CLI, answered in vLLM's result format, imported on the Runs page, then its Run page and Review.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, type E2EPage } from './support/browser';
import { importFile, openDatasets } from './support/datasets-page';
import { axeViolations, describeViolations } from './support/axe';
import { expectNoHorizontalScroll } from './support/layout';
import { buildCli, runCli } from '../support/cli-process';
import { startOpenAIServer, type TestServer } from '../support/openai-server';
import { runFakeBatch } from '../support/batch-runner';

const baseURL = inject('baseURL');
let app: E2EPage | null = null;
let server: TestServer | null = null;

afterEach(async () => {
  await app?.close();
  await server?.close();
  app = null;
  server = null;
});

test('batch results with their manifest import on the Runs page into a run that opens and reviews', async () => {
  buildCli();
  const dir = mkdtempSync(join(tmpdir(), 'arbiter-batch-e2e-'));
  const rows = Array.from({ length: 5 }, (_, i) => {
    const goodFirst = i % 2 === 0;
    return JSON.stringify({
      id: `q${i}`,
      prompt: `Question ${i}`,
      response_a: goodFirst ? `GOOD ${i}` : `BAD ${i}`,
      response_b: goodFirst ? `BAD ${i}` : `GOOD ${i}`,
      label: goodFirst ? 'A' : 'B',
    });
  });
  const data = rows.join('\n') + '\n';
  writeFileSync(join(dir, 'pairs.jsonl'), data);
  const requests = join(dir, 'requests.jsonl');
  const prep = await runCli([
    'batch',
    'prepare',
    join(dir, 'pairs.jsonl'),
    '--model',
    'M',
    '-o',
    requests,
    '-q',
  ]);
  expect(prep.code).toBe(0);
  server = await startOpenAIServer({ models: [{ id: 'M' }] });
  const results = join(dir, 'results.jsonl');
  // One request never ran (the batch stopped): the run stays unfinished, to resume live.
  expect(
    await runFakeBatch(requests, results, server.url, { skip: (i) => i === 3, shuffleSeed: 3 }),
  ).toBe(9);

  app = await openApp(baseURL);
  const { page } = app;
  await openDatasets(page, baseURL);
  expect(await importFile(page, 'pairs.jsonl', data)).toBe('done');

  await page.goto(new URL('#/runs', baseURL).href);
  await page.getByTestId('batch-import-input').setInputFiles([
    { name: 'results.jsonl', mimeType: 'application/x-ndjson', buffer: readFileSync(results) },
    {
      name: 'requests.manifest.json',
      mimeType: 'application/json',
      buffer: readFileSync(join(dir, 'requests.manifest.json')),
    },
    { name: 'requests.jsonl', mimeType: 'application/x-ndjson', buffer: readFileSync(requests) },
  ]);
  const report = page.getByTestId('batch-import-report');
  await expect
    .poll(() => report.textContent(), { timeout: 30_000 })
    .toMatch(/9 of 10 requests judged, 0 failed,\s+1 without a result; 9 judgments added/);
  const violations = await axeViolations(page);
  expect(
    violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    describeViolations(violations),
  ).toEqual([]);

  // A phone's width: the report and its problem list wrap, nothing sticks out.
  await page.setViewportSize({ width: 390, height: 800 });
  await expectNoHorizontalScroll(page, 'Runs with a batch import report');

  await page.getByTestId('batch-import-run').focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('run-detail-status').textContent()).toBe('paused');
  expect(await page.getByTestId('run-done').textContent()).toBe('9');
  expect(await page.getByTestId('run-total').textContent()).toBe('10');
  await expect.poll(() => page.getByTestId('result-row').count()).toBe(5);
  await expectNoHorizontalScroll(page, 'Run page of a batch run');
  // The one unjudged request goes out again as a batch of one.
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('batch-export-button').click(),
  ]);
  expect(dl.suggestedFilename()).toMatch(/\.requests\.jsonl$/);
  await expect
    .poll(() => page.getByTestId('batch-exported').textContent())
    .toMatch(/Saved 1 requests for\s+1 items/);

  await page.getByTestId('run-review').click();
  // The marker judge prefers the GOOD answer: every parsed verdict agrees with its label.
  await expect
    .poll(() => page.getByTestId('value-accuracy').first().textContent(), { timeout: 30_000 })
    .toMatch(/100/);
  expect(app.errors).toEqual([]);
});
