// E2E: demo mode: the guided tour with the live position-bias test, judge vs humans, presenter view, reset.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import { fillPair, loadTestModel } from './support/judge-page';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

test('guided tour judges one bundled pair in both orders and explains the flip; reset keeps the model and the Judge page', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  // Something on the Judge page that the demo must leave alone.
  await fillPair(page, { prompt: 'My own question', a: 'Mine A ✔', b: 'Mine B ✘' });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });

  await page.getByRole('link', { name: 'Demo', exact: true }).click();
  const tour = page.getByTestId('tour');
  await tour.waitFor();
  expect(await page.getByTestId('tour-step').textContent()).toMatch(/The pair/);
  expect(await tour.textContent()).toMatch(/Given a base number and a power/);
  await page.getByTestId('tour-next').click();
  expect(await page.getByTestId('tour-step').textContent()).toMatch(/What the judge reads/);
  await page.getByTestId('prompt-preview').locator('summary').click();
  expect(await page.getByTestId('prompt-preview').textContent()).toMatch(/Base:5/);
  await page.getByTestId('tour-next').click();
  await page.getByTestId('demo-judge').click();
  await page.getByTestId('stream-AB').waitFor();
  await page.getByTestId('stream-BA').waitFor();
  await page.getByTestId('tour-next').click();
  const card = page.getByTestId('verdict-card');
  await card.waitFor({ timeout: 30_000 });
  // The test judge always prefers the answer shown first: a textbook flip.
  expect(await card.getAttribute('data-consistency')).toBe('flipped');
  await page.getByTestId('tour-next').click();
  const explain = page.getByTestId('demo-explain');
  expect(await explain.textContent()).toMatch(
    /chose answer A the first time and answer B the second/,
  );
  expect(await explain.textContent()).toMatch(/position bias/);

  // Presenter view: larger type.
  const size = () =>
    page.getByTestId('demo').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  const normal = await size();
  await page.getByTestId('presenter-toggle').check();
  expect(await size()).toBeGreaterThan(normal * 1.3);

  // Judge vs humans on the six bundled labeled pairs, with the published numbers beside.
  await page.getByTestId('humans-run').click();
  await expect.poll(() => page.getByTestId('humans-row').count(), { timeout: 60_000 }).toBe(6);
  expect(await page.getByTestId('humans-score').textContent()).toMatch(
    /Agreement with labels:\s*0%\s+of items with a verdict \(0 of 6\)/,
  );
  expect(await page.getByTestId('humans').textContent()).toMatch(/GPT-4.*95\.5%/s);

  const runsBefore = await readStore(page, 'runs');
  expect(runsBefore.length).toBe(1 + 1 + 6);
  await page.getByTestId('demo-reset').click();
  await expect.poll(async () => (await readStore(page, 'runs')).length).toBe(1);
  expect(await page.getByTestId('tour-step').textContent()).toMatch(/The pair/);
  expect(await page.getByTestId('humans-row').count()).toBe(0);
  // The model is still loaded, the presenter choice stays, and the Judge page still holds its own pair.
  expect(await page.getByTestId('model-status').textContent()).toMatch(/arbiter-test-judge/);
  expect(await page.getByTestId('presenter-toggle').isChecked()).toBe(true);
  await page.getByRole('link', { name: 'Judge', exact: true }).click();
  expect(await page.locator('#prompt').inputValue()).toBe('My own question');
  expect(app.errors).toEqual([]);
});
