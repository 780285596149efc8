// E2E: the new-run and new-panel forms' shared fields: choosing a dataset and narrowing the subset change the count each form shows.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, type E2EPage } from './support/browser';
import { seedDataset } from './support/runs-page';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

test('both forms: the chosen dataset, range, categories, gold labels and limit give the subset each form counts', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await page.setViewportSize({ width: 390, height: 800 });
  // seedDataset: items 0 and 3 of four are category math, 1 and 2 other.
  await seedDataset(page, 10, 'ds-ten');
  await seedDataset(page, 4, 'ds-four');
  await page.goto(new URL('#/runs', baseURL).href);

  const run = page.getByTestId('new-run-form');
  const runSubset = () => run.getByTestId('run-subset').textContent();
  await run.getByTestId('run-dataset').selectOption('ds-four');
  await expect.poll(runSubset).toBe('all items: 4 of 4 items');
  await run.getByTestId('run-from').fill('1');
  await run.getByTestId('run-to').fill('3');
  await expect.poll(runSubset).toBe('items 1–2: 2 of 4 items');
  await run.getByTestId('run-from').fill('');
  await run.getByTestId('run-to').fill('');
  await run
    .getByRole('group', { name: 'Categories' })
    .getByRole('checkbox', { name: 'math' })
    .check();
  await expect.poll(runSubset).toBe('category math: 2 of 4 items');
  await run.getByTestId('run-limit').fill('1');
  await expect.poll(runSubset).toBe('category math, first 1: 1 of 4 items');
  await run.getByTestId('run-dataset').selectOption('ds-ten');
  // A new dataset clears the categories (its own may differ); the limit stays.
  await expect.poll(runSubset).toBe('first 1: 1 of 10 items');
  // Every seeded item is labelled A: ticking adds a label to the filter, unticking takes it out.
  const labels = run.getByRole('group', { name: 'Gold labels' });
  await labels.getByRole('checkbox', { name: 'A', exact: true }).check();
  await labels.getByRole('checkbox', { name: 'B', exact: true }).check();
  await expect.poll(runSubset).toBe('labelled A or B, first 1: 1 of 10 items');
  await labels.getByRole('checkbox', { name: 'A', exact: true }).uncheck();
  await expect.poll(runSubset).toBe('labelled B, first 1: 0 of 10 items');

  const panel = page.getByTestId('new-panel-form');
  const panelSubset = () => panel.getByTestId('panel-subset').textContent();
  await panel.getByTestId('panel-dataset').selectOption('ds-four');
  await expect.poll(panelSubset).toBe('all items: 4 of 4 items');
  await panel.getByTestId('panel-to').fill('2');
  await expect.poll(panelSubset).toBe('items 0–1: 2 of 4 items');
  // The panel's order options sit in its Subset group; the run form keeps them under Options.
  const subsetGroup = panel.getByRole('group', { name: 'Subset' });
  expect(await subsetGroup.getByRole('checkbox', { name: 'Both orders' }).count()).toBe(1);
  expect(await subsetGroup.getByRole('checkbox', { name: 'Allow a tie' }).count()).toBe(1);
  const options = run.getByRole('group', { name: 'Options' });
  expect(await options.getByRole('checkbox', { name: 'Both orders' }).count()).toBe(1);
  // The run form's subset did not move with the panel's.
  expect(await runSubset()).toBe('labelled B, first 1: 0 of 10 items');
});
