// E2E: a panel of three seeded runs reviewed from the real UI: figures worked out by hand, split items first in triage, keys, export, 390 px and axe.
import { readFile } from 'node:fs/promises';
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, type E2EPage } from './support/browser';
import { expectNoSeriousAxeViolations } from './support/axe';
import { expectNoHorizontalScroll } from './support/layout';
import { seedFixture } from './support/seed-fixture';
import { makeRunRecord } from '../review/fixtures';
import { HOSTILE_JUDGMENT, panelFixture } from '../review/panel-fixture';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
}, 180_000);

const cells = (page: E2EPage['page'], row: string, cell: string) =>
  page.getByTestId(row).getByTestId(cell).allTextContents();

test('a panel picked on the Review page shows figures worked out by hand, split items first, and works from the keyboard', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await seedFixture(page, baseURL, panelFixture());
  // A run of another dataset: the picker disables it once a member is ticked.
  await seedFixture(page, baseURL, {
    dataset: { ...panelFixture().dataset, id: 'ds-other', name: 'Other' },
    items: [],
    runs: [makeRunRecord('run-other', { datasetId: 'ds-other', name: 'Other dataset run' })],
    judgments: [],
    labels: [],
  });
  await page.reload();

  const picker = page.getByTestId('panel-picker');
  await picker.waitFor();
  const pick = (name: string) => picker.getByRole('checkbox', { name: new RegExp(name) });
  await pick('arbiter-test-judge').check();
  expect(await pick('Other dataset run').isDisabled()).toBe(true);
  expect(await picker.textContent()).toContain('(other dataset)');
  expect(await page.getByTestId('panel-go').isDisabled()).toBe(true);
  await pick('arbiter-test-flipper').check();
  await pick('arbiter-test-longer').check();
  await page.getByTestId('panel-go').click();
  await page.getByTestId('panel-accuracy').waitFor({ timeout: 60_000 });
  expect(new URL(page.url()).hash).toBe('#/panel/run-judge/run-flipper/run-longer');

  // Accuracy (tests/review/panel-review.test.ts works each out): the panel, with a flipped
  // member abstaining and A/B level a tie, is right on 9 of 12; judge 10, flipper 8, longer 6.
  expect(await cells(page, 'panel-accuracy', 'acc-value')).toEqual([
    '75.0%',
    '83.3%',
    '66.7%',
    '50.0%',
  ]);
  // The intervals follow the figures; each brackets its estimate.
  await expect
    .poll(() => page.getByTestId('panel-ci-progress').textContent(), { timeout: 60_000 })
    .toMatch(/1,000 bootstrap resamples/);
  const values = await cells(page, 'panel-accuracy', 'acc-value');
  for (const [k, ci] of (await cells(page, 'panel-accuracy', 'acc-ci')).entries()) {
    const [lo, hi] = ci.replace('%', '').split('–').map(Number);
    const v = parseFloat(values[k]!);
    expect(lo).toBeLessThanOrEqual(v);
    expect(hi).toBeGreaterThanOrEqual(v);
  }
  expect(await page.getByTestId('fleiss-ci').textContent()).toMatch(/^-?\d\.\d{3} to \d\.\d{3}$/);
  expect(await page.getByTestId('panel-rule-name').textContent()).toMatch(/Majority/);
  expect(await page.getByTestId('panel-split-count').textContent()).toBe('8');

  // Cohen's kappa: judge–flipper 0.75, judge–longer 1/3, flipper–longer 0; Fleiss 94/286.
  const kappa = async (i: number, j: number) => page.getByTestId(`kappa-${i}-${j}`).textContent();
  expect([await kappa(0, 1), await kappa(0, 2), await kappa(1, 2), await kappa(2, 1)]).toEqual([
    '0.75',
    '0.33',
    '0.00',
    '0.00',
  ]);
  expect(await page.getByTestId('kappa-0-1').getAttribute('aria-label')).toMatch(/substantial/);
  expect(await page.getByTestId('fleiss').textContent()).toBe('0.329');

  // Bias rows: the panel, then judge, flipper, longer.
  expect(await cells(page, 'panel-bias', 'bias-flip')).toEqual(['8.3%', '0.0%', '33.3%', '0.0%']);
  expect(await cells(page, 'panel-bias', 'bias-first')).toEqual([
    '54.2%',
    '50.0%',
    '66.7%',
    '50.0%',
  ]);
  expect(await cells(page, 'panel-bias', 'bias-longer')).toEqual([
    '72.7%',
    '66.7%',
    '50.0%',
    '100.0%',
  ]);
  // Leave one out: without the judge 6/12, without the flipper 6/12, without the longer 10/12.
  expect(await cells(page, 'panel-loo', 'loo-accuracy')).toEqual(['50.0%', '50.0%', '83.3%']);
  expect(await cells(page, 'panel-loo', 'loo-change')).toEqual([
    '−25.0 pts',
    '−25.0 pts',
    '+8.3 pts',
  ]);

  // Triage: the 8 split items first, then the 4 where all agree.
  const rows = page.getByTestId('panel-row');
  await expect.poll(() => rows.count()).toBe(12);
  expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-split')))).toEqual([
    ...Array<string>(8).fill('true'),
    ...Array<string>(4).fill('false'),
  ]);

  // Keyboard: the list takes focus; j/ArrowDown move the item under review.
  const list = page.getByTestId('panel-triage-list');
  await list.focus();
  const heading = page.getByTestId('panel-item').locator('h3');
  const first = await heading.textContent();
  await page.keyboard.press('j');
  await expect.poll(() => heading.textContent()).not.toBe(first);
  await page.keyboard.press('k');
  await expect.poll(() => heading.textContent()).toBe(first);
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => heading.textContent()).not.toBe(first);
  expect(await list.getAttribute('aria-activedescendant')).toMatch(/^popt-1$/);

  // Item #1 (panel-00): members A, flipped, A → panel A; the judge's A/B text shows whole, as text.
  await rows.filter({ hasText: 'Question 0:' }).click();
  await expect.poll(() => heading.textContent()).toBe('Item #1');
  expect(await page.getByTestId('panel-member-verdict').allTextContents()).toEqual([
    'A better',
    'flipped (the orders disagree)',
    'A better',
  ]);
  const text = page.getByTestId('panel-judgment-text').first();
  await expect.poll(() => text.textContent()).toContain('<b>bold</b>');
  expect(await text.textContent()).toContain(HOSTILE_JUDGMENT.slice(0, 30));
  expect(await text.locator('img, b').count()).toBe(0);
  expect(await page.getByTestId('panel-judgment-text').count()).toBe(6);

  // Filters: panel wrong keeps items 2, 3 and 9.
  await page.getByTestId('pfilter-panel-wrong').check();
  await expect
    .poll(() => page.getByTestId('panel-triage-count').textContent())
    .toBe('3 of 12 items');
  await page.getByTestId('pfilter-member-wrong').selectOption({ label: '1. arbiter-test-judge' });
  await expect
    .poll(() => page.getByTestId('panel-triage-count').textContent())
    .toBe('2 of 12 items');
  await page.getByTestId('pfilter-panel-wrong').uncheck();
  await page.getByTestId('pfilter-member-wrong').selectOption('');
  await page.getByTestId('pfilter-split').check();
  await expect
    .poll(() => page.getByTestId('panel-triage-count').textContent())
    .toBe('8 of 12 items');

  // Export per item: a header, then the 12 items with each member's result and the panel's.
  const download = page.waitForEvent('download');
  await page.getByTestId('panel-export-jsonl').click();
  const lines = (await readFile(await (await download).path(), 'utf8')).trim().split('\n');
  expect(lines).toHaveLength(13);
  const item2 = lines
    .map((l) => JSON.parse(l) as { itemId?: string })
    .find((l) => l.itemId === 'panel-02');
  expect(item2).toMatchObject({ panel: { result: 'tie', correct: false, split: true } });

  await expectNoSeriousAxeViolations(page, 'panel review');

  // The weighted rule: fit on a held-out split, and the page says so.
  await page.getByTestId('rule-weighted').check();
  await expect
    .poll(() => page.getByTestId('panel-rule-note').textContent())
    .toMatch(/fit on 6 items chosen at random.*other 6 held-out items/);
  expect(await page.getByTestId('panel-triage-count').textContent()).toMatch(/of 6 items$/);

  await page.setViewportSize({ width: 390, height: 800 });
  await expectNoHorizontalScroll(page, 'panel review at 390 px');
  await expectNoSeriousAxeViolations(page, 'panel review at 390 px, weighted');
  expect(app.errors).toEqual([]);
});

test('a run of a panel links to the panel review; runs that cannot make a panel say why', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  const f = panelFixture();
  f.runs = f.runs.map((r) => ({ ...r, panelId: 'panel-e2e' }));
  await seedFixture(page, baseURL, f);
  await page.goto(new URL('#/review/run-flipper', baseURL).href);
  const link = page.getByTestId('to-panel');
  await link.waitFor({ timeout: 60_000 });
  expect(await link.textContent()).toMatch(/3 judges/);
  await link.click();
  await page.getByTestId('panel-accuracy').waitFor({ timeout: 60_000 });
  expect(new URL(page.url()).hash).toBe('#/panel/run-judge/run-flipper/run-longer');

  await page.goto(new URL('#/panel/run-judge/no-such-run', baseURL).href);
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 60_000 });
  expect(await alert.textContent()).toMatch(/cannot be reviewed as a panel.*no-such-run/);
  expect(app.errors).toEqual([]);
});
