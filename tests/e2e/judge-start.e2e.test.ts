// E2E: once the form has been checked (after a pause in typing), Judge sends the first request in the click's own task.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, type E2EPage } from './support/browser';
import { engineRequests, fillPair, loadTestModel } from './support/judge-page';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

interface Probe {
  clickAt: number;
  /** When the last generate request went to the worker, as seen by the first task after the click. */
  generateAt: number;
}

/** Marks the click, and reads the engine's last request time in the first task after it. */
async function probeClick(page: E2EPage['page']): Promise<void> {
  await page.evaluate(() => {
    const probe: Probe = { clickAt: 0, generateAt: 0 };
    (window as unknown as { __probe: Probe }).__probe = probe;
    const stats = (window as unknown as { __arbiterTest: { lastGenerateAt: number } })
      .__arbiterTest;
    document.querySelector('[data-testid=judge]')?.addEventListener(
      'click',
      () => {
        probe.clickAt = performance.now();
        setTimeout(() => (probe.generateAt = stats.lastGenerateAt), 0);
      },
      { capture: true, once: true },
    );
  });
}

async function readProbe(page: E2EPage['page']): Promise<Probe> {
  return page.evaluate(() => ({ ...(window as unknown as { __probe: Probe }).__probe }));
}

test('the fit shows before judging, and Judge then sends the first request within the click', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Which is shorter?', a: 'Tiny.', b: 'A longer reply.' });
  // Checked ahead: the fit line appears without judging.
  await page.getByTestId('fit').waitFor();
  expect(await page.getByTestId('fit').textContent()).toMatch(/prompt \+ [\d,]+ output tokens of/);
  expect(await engineRequests(page)).toBe(0);

  await probeClick(page);
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  const p = await readProbe(page);
  // Sent before any other task ran: no worker round trip, digest or database read on the way.
  expect(p.generateAt).toBeGreaterThan(p.clickAt);
  expect(await engineRequests(page)).toBe(2);

  // The same inputs again: the checks ahead found nothing new to do, and the stored verdict shows.
  await page.getByTestId('judge').click();
  await page.getByTestId('from-store').waitFor();
  expect(await engineRequests(page)).toBe(2);
  expect(app.errors).toEqual([]);
});

test('inputs changed after the check are checked again at the click, never judged on the old check', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page, 'arbiter-test-judge-small-context');
  await fillPair(page, { prompt: 'Summarise.', a: 'Short.', b: 'Brief.' });
  await page.getByTestId('fit').waitFor();
  // Too long now, and Judge is clicked before the pause that would check it again.
  const long = 'This answer goes on and on. '.repeat(120);
  await page.locator('#answer-a').fill(long);
  await page.locator('#answer-b').fill(long);
  await page.getByTestId('judge').click();
  await page.locator('[role=alert][data-error-name=ContextWindowExceededError]').waitFor();
  expect(await engineRequests(page, 'arbiter-test-judge-small-context')).toBe(0);
  expect(app.errors).toEqual([]);
});
