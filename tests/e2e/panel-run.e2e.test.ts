// E2E: a 3-member panel from the Runs page (test judges that disagree): pause/resume, a reload mid-panel, every judgment once, the panel review's accuracy, and delete.
import type { Page } from 'playwright-core';
import { afterEach, expect, inject, test } from 'vitest';
import { axeViolations, describeViolations } from './support/axe';
import { openApp, readStore, type E2EPage } from './support/browser';
import { expectNoHorizontalScroll } from './support/layout';
import { runLoopsEnded, seedDataset } from './support/runs-page';

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
  modelId: string;
}
interface R {
  id: string;
  status: string;
  panelId?: string;
  config: { modelId: string };
}
interface P {
  id: string;
  memberRunIds: string[];
  datasetId: string;
}

const MODELS = ['arbiter-test-judge', 'arbiter-test-flipper', 'arbiter-test-longer'];
const ITEMS = 10;

const judgmentsOf = async (page: Page, runId: string) =>
  (await readStore<J>(page, 'judgments')).filter((j) => j.runId === runId);

test('a 3-member panel: pause and resume, a reload mid-panel, every judgment once, then Review panel', async () => {
  const app = await openApp(baseURL);
  apps.push(app);
  const { page } = app;
  // Slow enough that the panel is still judging when it is paused and reloaded.
  await page.evaluate(() => {
    localStorage.setItem('arbiter.test.tps', '200');
    localStorage.setItem('arbiter.test.tokens', '12');
  });
  await seedDataset(page, ITEMS);
  await page.goto(new URL('#/runs', baseURL).href);
  const form = page.getByTestId('new-panel-form');
  await form.waitFor();
  await form.getByTestId('panel-dataset').selectOption('ds-e2e');
  for (const m of MODELS) await form.locator(`input[data-model="${m}"]`).check();
  await page.getByTestId('panel-estimate').getByText('Estimate for the whole panel').waitFor();
  expect(await page.getByTestId('panel-estimate').textContent()).toContain(
    `3 members, ${3 * ITEMS * 2} generations`,
  );
  await page.getByTestId('panel-start').click();
  const card = page.getByTestId('panel-card');
  await card.waitFor();

  const [panel] = await readStore<P>(page, 'panels');
  expect(panel?.memberRunIds).toHaveLength(3);
  const ids = panel!.memberRunIds;
  const runs = await readStore<R>(page, 'runs');
  expect(ids.map((id) => runs.find((r) => r.id === id)?.config.modelId)).toEqual(MODELS);
  expect(runs.filter((r) => r.panelId === panel!.id)).toHaveLength(3);
  // Member runs still appear as runs, marked as part of the panel.
  expect(await page.getByTestId('run-panel-member').count()).toBe(3);

  // Pause the whole panel while the first member judges; nothing is judged while it is paused.
  await expect
    .poll(async () => (await judgmentsOf(page, ids[0]!)).length, { timeout: 60_000 })
    .toBeGreaterThan(0);
  await card.getByTestId('panel-pause').click();
  await expect.poll(() => card.getByTestId('panel-status').textContent()).toBe('paused');
  await runLoopsEnded(page);
  const paused = await readStore<R>(page, 'runs');
  expect(ids.map((id) => paused.find((r) => r.id === id)?.status)).toEqual([
    'paused',
    'paused',
    'paused',
  ]);
  const atPause = (await readStore<J>(page, 'judgments')).length;
  expect(atPause).toBeLessThan(ITEMS * 2);
  await card.getByTestId('panel-resume').click();
  await expect.poll(() => card.getByTestId('panel-status').textContent()).toBe('running');

  // Reload while the second member judges: it resumes, then the third runs.
  await expect
    .poll(async () => (await judgmentsOf(page, ids[1]!)).length, { timeout: 90_000 })
    .toBeGreaterThan(0);
  expect((await judgmentsOf(page, ids[1]!)).length).toBeLessThan(ITEMS * 2);
  await page.reload();
  const after = page.getByTestId('panel-card');
  await after.waitFor();
  await expect
    .poll(() => after.getByTestId('panel-status').textContent(), { timeout: 120_000 })
    .toBe('done');
  expect(await after.getByTestId('member-state').allTextContents()).toEqual([
    'done',
    'done',
    'done',
  ]);

  // Every member judged every (item, order) exactly once, with its own model.
  for (const [i, id] of ids.entries()) {
    const js = await judgmentsOf(page, id);
    expect(js).toHaveLength(ITEMS * 2);
    expect(new Set(js.map((j) => j.key)).size).toBe(ITEMS * 2);
    expect(new Set(js.map((j) => `${j.itemId}/${j.order}`)).size).toBe(ITEMS * 2);
    expect(new Set(js.map((j) => j.modelId))).toEqual(new Set([MODELS[i]]));
  }

  await page.setViewportSize({ width: 390, height: 800 });
  await expectNoHorizontalScroll(page, 'Runs page with a panel at 390 px');
  const violations = await axeViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);

  // The keyboard reaches "Review panel"; it opens the panel review of the three members.
  const review = after.getByTestId('panel-review');
  await review.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/panel\//);
  expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#/panel/${ids.join('/')}`);
  // The review's accuracy, by hand (seedDataset: every label A; odd items mark A ✔ and B ✘; A is
  // the longer answer everywhere). arbiter-test-judge follows the marks, else the first shown: 5
  // right, 5 flipped (a flip is read and wrong) = 50%. The flipper flips all 10 = 0%. The longer
  // judge says A in both orders = 100%. Majority with flips abstaining: A on every item = 100%.
  await page.getByTestId('panel-accuracy').waitFor({ timeout: 60_000 });
  const members = page.getByTestId('acc-member');
  await expect.poll(() => members.count()).toBe(3);
  expect(await members.getByTestId('acc-value').allTextContents()).toEqual([
    '50.0%',
    '0.0%',
    '100.0%',
  ]);
  expect(await page.getByTestId('acc-panel').getByTestId('acc-value').textContent()).toBe('100.0%');

  // Delete, confirmed: the panel, its runs and their judgments go; the dataset stays.
  await page.goto(new URL('#/runs', baseURL).href);
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('panel-card').getByTestId('panel-delete').click();
  await page.getByTestId('panel-card').waitFor({ state: 'detached' });
  expect(await readStore(page, 'panels')).toEqual([]);
  expect((await readStore<R>(page, 'runs')).filter((r) => ids.includes(r.id))).toEqual([]);
  expect(await readStore(page, 'judgments')).toEqual([]);
  expect(await readStore(page, 'datasets')).toHaveLength(1);
  expect(app.errors).toEqual([]);
});
