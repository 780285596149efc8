// E2E (#22): a 3-member panel of test judges that disagree (one always flips, one prefers the longer answer, one good) on 20 labeled items, a reload mid-panel, and the review's figures against values worked out by hand.
import type { Page } from 'playwright-core';
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import { expectNoSeriousAxeViolations } from './support/axe';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
}, 180_000);

const MODELS = ['arbiter-test-flipper', 'arbiter-test-longer', 'arbiter-test-good'];
const N = 20;
type Side = 'A' | 'B';
const other = (s: Side): Side => (s === 'A' ? 'B' : 'A');

/**
 * The 20 items, by design. Labels alternate A, B. The good judge picks the ✔ answer, the
 * longer-answer judge the longer one; the flipper picks the answer shown first (flips on all).
 * - items 0–9: ✔ and the longer answer both on the labelled side (both judges right);
 * - items 10–15: ✔ on the labelled side, the longer answer on the other (good right, longer wrong);
 * - items 16–17: ✔ on the other side, the longer answer labelled (good wrong, longer right);
 * - items 18–19: ✔ and the longer answer both on the other side (both wrong, and agreeing).
 */
const ITEMS = Array.from({ length: N }, (_, i) => {
  const label: Side = i % 2 === 0 ? 'A' : 'B';
  const goodRight = i < 16;
  const longerRight = i < 10 || i === 16 || i === 17;
  return {
    label,
    good: goodRight ? label : other(label),
    longer: longerRight ? label : other(label),
  };
});

async function seedLabelledSet(page: Page): Promise<void> {
  const items = ITEMS.map((it, i) => {
    const text = (side: Side) =>
      `${it.good === side ? '✔' : '✘'} ${
        it.longer === side
          ? `A much longer answer to question ${i}, with the working shown step by step.`
          : `Short answer ${i}.`
      }`;
    return {
      id: `p20-${String(i).padStart(2, '0')}`,
      datasetId: 'ds-p20',
      index: i,
      prompt: `Question ${i}: which answer is better?`,
      responseA: text('A'),
      responseB: text('B'),
      label: it.label,
      meta: {},
    };
  });
  await page.evaluate(async (items) => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('arbiter');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const tx = db.transaction(['datasets', 'items'], 'readwrite');
    tx.objectStore('datasets').put({
      id: 'ds-p20',
      name: 'Panel set of 20',
      source: 'e2e',
      format: 'arbiter',
      itemCount: items.length,
      createdAt: Date.now(),
    });
    for (const item of items) tx.objectStore('items').put(item);
    await new Promise<void>((res, rej) => {
      tx.oncomplete = () => res();
      tx.onerror = () => rej(tx.error);
    });
    db.close();
  }, items);
}

interface J {
  runId: string;
  key: string;
  itemId: string;
  order: string;
  modelId: string;
}

/*
 * The figures, by hand from the design above (no code of the app involved):
 * - accuracy (a flip is read, and wrong): flipper 0/20; longer 12/20 (items 0–9, 16, 17);
 *   good 16/20 (items 0–15);
 * - panel, majority with ties (j1-pairwise offers a tie): the flipper abstains everywhere; longer
 *   and good agree on items 0–9 (right) and 18–19 (wrong), and split one against one on 10–17,
 *   a tie, wrong against an A/B label: 10/20;
 * - Cohen's kappa longer vs good: good says A on 10 items (labels A of 0–15 and the swapped 17,
 *   19), longer on 10; they agree on 12 (6 on A: items 0, 2, 4, 6, 8, 19; 6 on B: 1, 3, 5, 7, 9,
 *   18). p_o = 12/20, p_e = (10/20)² + (10/20)² = 1/2, kappa = (0.6 − 0.5)/(1 − 0.5) = 0.20;
 *   agreement rates each member's final result, a flip as its own category: the flipper is
 *   'flipped' on all 20 and the others never are, so p_o = 0 and p_e = 0: kappa 0 with either;
 *   Fleiss over all 20 items (A, B, tie, flipped): P_i = 1/3 on the 12 items where longer and good
 *   agree (2 + 1), 0 on the 8 they split (1 + 1 + 1): P̄ = 12/20 · 1/3 = 0.2; shares A 20/60,
 *   B 20/60, flipped 20/60: P̄e = 1/3; kappa = (0.2 − 1/3)/(1 − 1/3) = −0.2;
 * - leave one out: without the flipper the same two votes (50%, ±0); without the longer judge the
 *   good one decides (80%, +30 pts); without the good one the longer decides (60%, +10 pts);
 * - bias: the flipper flips on all 20 and always names the answer shown first; the other two never
 *   flip and name the first-shown answer in one order of two (50%); the longer judge always
 *   chooses the longer answer, the good one on 12 of 20 (items 0–9, 18, 19), the panel on all 12
 *   items it decides (0–9, 18, 19).
 */
const ACCURACY = { panel: 10 / N, flipper: 0, longer: 12 / N, good: 16 / N };
const KAPPA_LONGER_GOOD = (12 / 20 - 0.5) / (1 - 0.5);
const FLEISS = (0.2 - 1 / 3) / (1 - 1 / 3);

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

test('a 3-member panel of judges that disagree on 20 labeled items, reloaded mid-panel: the review shows the figures worked out by hand', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  // Slow enough that the second member is still judging when the page reloads.
  await page.evaluate(() => localStorage.setItem('arbiter.test.tps', '150'));
  await seedLabelledSet(page);
  await page.goto(new URL('#/runs', baseURL).href);
  const form = page.getByTestId('new-panel-form');
  await form.waitFor();
  await form.getByTestId('panel-dataset').selectOption('ds-p20');
  await form.getByTestId('panel-protocol').selectOption('j1-pairwise');
  for (const m of MODELS) await form.locator(`input[data-model="${m}"]`).check();
  await page.getByTestId('panel-estimate').getByText('Estimate for the whole panel').waitFor();
  await page.getByTestId('panel-start').click();
  await page.getByTestId('panel-card').waitFor();
  const [panel] = await readStore<{ memberRunIds: string[] }>(page, 'panels');
  const ids = panel!.memberRunIds;
  expect(ids).toHaveLength(3);
  const judgmentsOf = async (runId: string) =>
    (await readStore<J>(page, 'judgments')).filter((j) => j.runId === runId);

  // Reload while the second member judges.
  await expect
    .poll(async () => (await judgmentsOf(ids[1]!)).length, { timeout: 120_000 })
    .toBeGreaterThan(0);
  expect((await judgmentsOf(ids[1]!)).length).toBeLessThan(N * 2);
  await page.reload();
  const card = page.getByTestId('panel-card');
  await card.waitFor();
  await expect
    .poll(() => card.getByTestId('panel-status').textContent(), { timeout: 180_000 })
    .toBe('done');
  // Every member judged each item in both orders once, with its own model.
  for (const [m, id] of ids.entries()) {
    const js = await judgmentsOf(id);
    expect(js).toHaveLength(N * 2);
    expect(new Set(js.map((j) => `${j.itemId}/${j.order}`)).size).toBe(N * 2);
    expect(new Set(js.map((j) => j.modelId))).toEqual(new Set([MODELS[m]]));
  }

  // The panel card's link opens the review of the three members.
  await card.getByTestId('panel-review').click();
  await page.getByTestId('panel-accuracy').waitFor({ timeout: 60_000 });
  const cells = (row: string, cell: string) =>
    page.getByTestId(row).getByTestId(cell).allTextContents();

  // The panel first, then the members in the order chosen.
  expect(await cells('panel-accuracy', 'acc-value')).toEqual([
    pct(ACCURACY.panel),
    pct(ACCURACY.flipper),
    pct(ACCURACY.longer),
    pct(ACCURACY.good),
  ]);
  expect(await page.getByTestId('panel-split-count').textContent()).toBe(String(N));
  const kappa = (i: number, j: number) =>
    page.getByTestId(`kappa-${i}-${j}`).getByTestId('kappa-value').textContent();
  expect([await kappa(1, 2), await kappa(2, 1), await kappa(0, 1), await kappa(0, 2)]).toEqual([
    KAPPA_LONGER_GOOD.toFixed(2),
    KAPPA_LONGER_GOOD.toFixed(2),
    '0.00',
    '0.00',
  ]);
  const fleiss = await page.getByTestId('fleiss').textContent();
  expect(fleiss).toBe(FLEISS.toFixed(3));

  expect(await cells('panel-loo', 'loo-accuracy')).toEqual(['50.0%', '80.0%', '60.0%']);
  expect(await cells('panel-loo', 'loo-change')).toEqual(['±0.0 pts', '+30.0 pts', '+10.0 pts']);
  expect((await cells('panel-bias', 'bias-flip')).slice(1)).toEqual(['100.0%', '0.0%', '0.0%']);
  expect((await cells('panel-bias', 'bias-first')).slice(1)).toEqual(['100.0%', '50.0%', '50.0%']);
  expect(await cells('panel-bias', 'bias-longer')).toEqual(['100.0%', '—', '100.0%', '60.0%']);

  const best = Math.max(ACCURACY.flipper, ACCURACY.longer, ACCURACY.good);
  console.log(
    `panel e2e (20 labeled items, flipper + longer + good, majority with ties): panel accuracy ${pct(ACCURACY.panel)} vs best member (arbiter-test-good) ${pct(best)}; ` +
      `members: flipper ${pct(ACCURACY.flipper)}, longer ${pct(ACCURACY.longer)}, good ${pct(ACCURACY.good)}; ` +
      `Cohen's kappa longer–good ${KAPPA_LONGER_GOOD.toFixed(2)}; Fleiss' kappa ${fleiss} (the flipper's flips disagree with every verdict); ` +
      `leave-one-out: without the longer judge 80.0% (+30 pts)`,
  );

  await expectNoSeriousAxeViolations(page, 'panel review of the 20-item panel');
  expect(app.errors).toEqual([]);
});
