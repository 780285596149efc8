// E2E: Demo mode's panel step: three test judges that disagree on the six bundled pairs, one model at a time, figures checked by hand; stored work survives a reload; 390 px, keyboard and axe.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import { engineRequests, loadTestModel } from './support/judge-page';
import { expectNoSeriousAxeViolations } from './support/axe';
import { expectNoHorizontalScroll } from './support/layout';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

const MEMBERS = ['arbiter-test-flipper', 'arbiter-test-longer', 'arbiter-test-good'];

/*
 * By hand, from the six bundled pairs (src/lib/data/examples.ts; labels B, B, B, A, B, B):
 * - the flipper picks the answer shown first: A, then B after the swap, on every pair: flipped;
 * - the longer-answer judge: "5 x 5 x 5 = 625" over "125" (A), the sentence over "22.5" (B), the
 *   sentence over "4x + 5" (A), the sentence over "$10, $10, $20" (B), the sentence over
 *   "unconvincing" (A), the longer HHH answer (B): right on pairs 2 and 6 only;
 * - the good judge follows the labels: right on all six;
 * - the panel (majority, the flipper abstains): longer and good agree on pairs 2 and 6 (B, right);
 *   elsewhere one vote each for A and B, a tie, which matches no label: 2 of 6.
 */
const PANEL = ['tie', 'B', 'tie', 'tie', 'tie', 'B'];
const LONGER = ['A', 'B', 'A', 'B', 'A', 'B'];
const LABELS = ['B', 'B', 'B', 'A', 'B', 'B'];

/** Every cell's result, member by member (the table lists them row by row). */
async function cellResults(app: E2EPage): Promise<string[][]> {
  const flat = await app.page
    .getByTestId('panel-cell')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-result') ?? ''));
  return MEMBERS.map((_, m) => LABELS.map((_l, p) => flat[p * MEMBERS.length + m] ?? ''));
}

async function waitForPanel(app: E2EPage): Promise<void> {
  const { page } = app;
  await expect
    .poll(
      () => page.locator('[data-testid=panel-verdict][data-result]:not([data-result=""])').count(),
      {
        timeout: 120_000,
      },
    )
    .toBe(6);
  // Finished: the presenter's model is back and the button is offered again.
  await expect
    .poll(() => page.getByTestId('panel-run').isEnabled(), { timeout: 60_000 })
    .toBe(true);
}

test('a panel of three test judges on the bundled pairs: verdicts in both orders, the majority, accuracies; reused after a reload; reset', async () => {
  app = await openApp(baseURL, { context: { viewport: { width: 390, height: 844 } } });
  const { page } = app;
  await page.evaluate(() => localStorage.setItem('arbiter.test.tps', '400'));
  await loadTestModel(page);
  await page.getByRole('link', { name: 'Demo', exact: true }).click();
  const section = page.getByTestId('panel-demo');
  await section.waitFor();

  // The e2e build offers its three judges that disagree as the panel.
  const boxes = page.getByTestId('panel-member');
  const checked = await boxes.evaluateAll((els) =>
    els.filter((e) => (e as HTMLInputElement).checked).map((e) => (e as HTMLInputElement).value),
  );
  expect(checked).toEqual(MEMBERS);
  // Keyboard: Space takes a judge off the panel (the button then says two) and puts it back.
  const goodBox = page.locator('[data-testid=panel-member][value="arbiter-test-good"]');
  await goodBox.focus();
  await page.keyboard.press('Space');
  await expect.poll(() => goodBox.isChecked()).toBe(false);
  expect(await page.getByTestId('panel-run').textContent()).toMatch(/with 2 judges/);
  await page.keyboard.press('Space');
  await expect.poll(() => goodBox.isChecked()).toBe(true);
  expect(await page.getByTestId('panel-run').textContent()).toMatch(/with 3 judges/);

  // Keyboard: the run button is reached and pressed without a mouse.
  await page.getByTestId('panel-run').focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('panel-progress').textContent()).toMatch(/judge|Judge/);
  await waitForPanel(app);

  const [flipper, longer, good] = await cellResults(app);
  expect(flipper).toEqual(LABELS.map(() => 'flipped'));
  expect(longer).toEqual(LONGER);
  expect(good).toEqual(LABELS);
  // The flipper's cells show both orders: A first, then B.
  expect(await page.getByTestId('panel-cell').first().textContent()).toMatch(/A \/ B\s*flipped/);
  const panel = await page
    .getByTestId('panel-verdict')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-result')));
  expect(panel).toEqual(PANEL);
  expect(
    await page.locator('[data-testid=panel-row][data-held=true]').count(),
    'pairs where a judge flipped and the panel named a winner',
  ).toBe(2);
  const squash = (t: string | null) => (t ?? '').replace(/\s+/g, ' ').trim();
  const panelScore = squash(await page.getByTestId('panel-score-panel').textContent());
  expect(panelScore).toMatch(/33% agreement with the labels \(2 of 6 pairs\)/);
  const members = (await page.getByTestId('panel-score-member').allTextContents()).map(squash);
  expect(members[0]).toMatch(/arbiter-test-flipper: 0% \(0 of 6\); flipped on 6 pairs/);
  expect(members[1]).toMatch(/arbiter-test-longer: 33% \(2 of 6\); flipped on 0 pairs/);
  expect(members[2]).toMatch(/arbiter-test-good: 100% \(6 of 6\); flipped on 0 pairs/);
  expect(await page.getByTestId('panel-held').textContent()).toMatch(/On 2 pairs a judge flipped/);
  console.log(`demo panel (6 bundled pairs): ${panelScore}; members: ${members.join(' | ')}`);

  // One model at a time, each pair in both orders, and the presenter's model loaded back.
  for (const id of MEMBERS) expect(await engineRequests(page, id)).toBe(12);
  expect(await page.getByTestId('model-status').textContent()).toMatch(/arbiter-test-judge\b/);
  expect(await readStore(page, 'runs')).toHaveLength(18);

  await expectNoHorizontalScroll(page, 'demo panel at 390 px');
  await expectNoSeriousAxeViolations(page, 'demo panel step');

  // After a reload the stored judgments are shown again, and nothing is judged twice.
  await page.reload();
  await loadTestModel(page);
  await page.getByRole('link', { name: 'Demo', exact: true }).click();
  await page.getByTestId('panel-run').click();
  await waitForPanel(app);
  for (const id of MEMBERS) expect(await engineRequests(page, id)).toBe(0);
  expect(
    await page
      .getByTestId('panel-verdict')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-result'))),
  ).toEqual(PANEL);
  expect(await readStore(page, 'runs')).toHaveLength(18);

  // Reset for the next group deletes the panel's runs and its table.
  await page.getByTestId('demo-reset').click();
  await expect.poll(async () => (await readStore(page, 'runs')).length).toBe(0);
  expect(await page.getByTestId('panel-table').count()).toBe(0);
  expect(app.errors).toEqual([]);
});
