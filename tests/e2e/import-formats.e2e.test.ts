// E2E: other tools' files on the real Datasets page: the preview names answer/label columns a format would not read, and Auto-J imports exactly.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import { chooseFile, openDatasets, waitPhase } from './support/datasets-page';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

test('the preview names answer- and label-like columns the mapping leaves out, until they are mapped', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await openDatasets(page, baseURL);
  const rows = [1, 2].map((i) =>
    JSON.stringify({
      prompt: `p${i}`,
      completion_1: `a${i}`,
      completion_2: `b${i}`,
      human_pref: 1,
    }),
  );
  await chooseFile(page, 'unknown-tool.jsonl', rows.join('\n') + '\n');
  await waitPhase(page, ['review']);
  const warning = page.getByTestId('unread-columns');
  await warning.waitFor();
  const said = async () => ((await warning.textContent()) ?? '').replace(/\s+/g, ' ');
  expect(await said()).toContain(
    'does not import the columns completion_1, completion_2 as answers',
  );
  expect(await said()).toContain('does not import human_pref as the label');
  expect(await readStore(page, 'items')).toHaveLength(0);

  await page.getByTestId('map-responseA').selectOption('completion_1');
  await page.waitForFunction(
    () =>
      !document
        .querySelector('[data-testid="unread-columns"]')
        ?.textContent?.includes('completion_1'),
    null,
    { polling: 250 },
  );
  expect(await said()).toContain('does not import the column completion_2 as answers');
});

test("Auto-J's testdata_pairwise imports as pairs with its labels' meaning kept, and no warning", async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await openDatasets(page, baseURL);
  const file = fileURLToPath(
    new URL('../data/formats/fixtures/autoj-testdata_pairwise.jsonl', import.meta.url),
  );
  await chooseFile(page, 'testdata_pairwise.jsonl', readFileSync(file));
  await waitPhase(page, ['review']);
  expect(await page.getByTestId('import-format').inputValue()).toBe('auto-j');
  expect(await page.getByTestId('unread-columns').count()).toBe(0);
  await page.waitForFunction(
    () =>
      !(document.querySelector('[data-testid="import-start"]') as HTMLButtonElement | null)
        ?.disabled,
    null,
    { polling: 250 },
  );
  await page.getByTestId('import-start').click();
  expect(await waitPhase(page, ['done', 'failed'])).toBe('done');
  const items = await readStore<{
    index: number;
    label: string;
    responseB: string;
    category: string;
  }>(page, 'items');
  items.sort((a, b) => a.index - b.index);
  // The fixture's labels are 0, 1, 2, 1: response 1, response 2, tie, response 2.
  expect(items.map((i) => i.label)).toEqual(['A', 'B', 'tie', 'B']);
  expect(items[1]).toMatchObject({ responseB: '17 * 3 = 51', category: 'math_reasoning' });
});
