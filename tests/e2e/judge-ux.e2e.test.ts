// E2E: the Judge page as a new user meets it: double clicks, option limits, focus, stale results,
// the kept draft, examples, identical answers, reopening from History, deleting, keyboard and touch.
import { afterEach, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, type E2EPage } from './support/browser';
import { engineRequests, fillPair, loadTestModel } from './support/judge-page';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

const activeTestId = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return (
      el?.closest('[data-testid]')?.getAttribute('data-testid') ?? el?.tagName.toLowerCase() ?? ''
    );
  });

test('a double click on Judge judges (the second click does not stop it)', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await page.evaluate(() => localStorage.setItem('arbiter.test.tps', '30'));
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Pick one.', a: 'One.', b: 'Two.' });
  await page.getByTestId('judge').dblclick();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  expect(await page.getByText(/^Stopped\./).count()).toBe(0);
  expect(await engineRequests(page)).toBe(2);
});

test('options out of range are flagged inline, block judging, and judging resumes once fixed', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Q?', a: 'A.', b: 'B.' });
  await page.getByText('Options').click();
  const judge = page.getByTestId('judge');
  expect(await judge.isEnabled()).toBe(true);

  const cases: [string, string, RegExp][] = [
    ['Samples per order', '50', /at most 9/],
    ['Samples per order', '0', /at least 1/],
    ['Temperature', '5', /at most 2/],
    ['Max output tokens', '-5', /at least 0/],
    ['Seed', '1.5', /whole number/],
  ];
  for (const [label, value, message] of cases) {
    const input = page.getByLabel(label, { exact: true });
    const before = await input.inputValue();
    await input.fill(value);
    expect(await input.getAttribute('aria-invalid'), `${label}=${value}`).toBe('true');
    const ids = (await input.getAttribute('aria-describedby'))?.split(' ') ?? [];
    const errorId = ids.find((id) => id.endsWith('-error'));
    expect(errorId, `${label}=${value} describedby`).toBeTruthy();
    expect(await page.locator(`#${errorId}`).textContent()).toMatch(message);
    expect(await judge.isDisabled(), `${label}=${value} blocks judging`).toBe(true);
    await page.locator('#prompt').press('Control+Enter');
    expect(await engineRequests(page)).toBe(0);
    await input.fill(before);
    expect(await input.getAttribute('aria-invalid')).toBeNull();
  }
  expect(await judge.isEnabled()).toBe(true);
});

test('after judging, focus and scroll go to the verdict and it is announced', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 800 });
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Is 17 prime?', a: '✘ No.', b: '✔ Yes.' });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  await expect
    .poll(() =>
      page.evaluate(() => !!document.activeElement?.closest('[data-testid=verdict-card]')),
    )
    .toBe(true);
  const top = await page
    .getByTestId('verdict-card')
    .evaluate((el) => el.getBoundingClientRect().top);
  expect(top).toBeGreaterThanOrEqual(0);
  expect(top).toBeLessThan(800);
  expect(await page.getByTestId('judge-announcement').textContent()).toMatch(
    /Verdict: Answer B wins/,
  );
  expect(await page.getByTestId('judge-announcement').getAttribute('role')).toBe('status');
});

test('a result made for other inputs is cleared when they change', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page, 'arbiter-test-judge-small-context');
  const long = 'This answer goes on and on. '.repeat(120);
  await fillPair(page, { prompt: 'Summarise.', a: long, b: long });
  await page.getByTestId('judge').click();
  const alert = page.locator('[role=alert][data-error-name=ContextWindowExceededError]');
  await alert.waitFor();
  const fitText = () =>
    page
      .getByTestId('fit')
      .allTextContents()
      .then((t) => t.join('').replace(/\s+/g, ' ').trim());
  const tooLong = await fitText();
  expect(tooLong).toMatch(/\(too long\)/);
  await page.locator('#answer-a').fill('Short.');
  await expect.poll(() => alert.count()).toBe(0);
  // The old count goes at once; the new inputs are counted after a pause in typing.
  expect(await fitText()).not.toBe(tooLong);
  await expect.poll(() => fitText()).toMatch(/^\d[\d,]* prompt \+ [\d,]+ output tokens of [\d,]+/);

  await page.locator('#answer-b').fill('Brief.');
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  await page.getByTestId('protocol').selectOption('verdict-only');
  await expect.poll(() => page.getByTestId('verdict-card').count()).toBe(0);
});

test('the unsent form survives a reload; a corrupt saved draft is ignored', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await fillPair(page, {
    prompt: 'Kept prompt',
    a: 'Kept A',
    b: 'Kept B',
    protocol: 'verdict-only',
  });
  await page.getByText('Options').click();
  await page.getByLabel('Seed', { exact: true }).fill('7');
  // The draft is written after a pause in typing: wait until it holds the last field typed.
  await page.waitForFunction(
    () =>
      (
        JSON.parse(localStorage.getItem('arbiter.judgeDraft') ?? '{}') as {
          options?: { seed?: unknown };
        }
      ).options?.seed === 7,
  );
  await page.reload();
  await page.locator('#prompt').waitFor();
  expect(await page.locator('#prompt').inputValue()).toBe('Kept prompt');
  expect(await page.locator('#answer-a').inputValue()).toBe('Kept A');
  expect(await page.locator('#answer-b').inputValue()).toBe('Kept B');
  expect(await page.getByTestId('protocol').inputValue()).toBe('verdict-only');
  await page.getByText('Options').click();
  expect(await page.getByLabel('Seed', { exact: true }).inputValue()).toBe('7');

  // Stored before the app starts (leaving the page writes the current draft, so set it on arrival).
  await page.addInitScript(() =>
    localStorage.setItem('arbiter.judgeDraft', '{"version":1,"prompt":'),
  );
  await page.reload();
  await page.locator('#prompt').waitFor();
  expect(await page.locator('#prompt').inputValue()).toBe('');
  expect(app.errors).toEqual([]);
});

test('the example picker shows which example is loaded; identical answers are warned about', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  const picker = page.getByTestId('example');
  await picker.selectOption('llmbar-adversarial-neighbor-035');
  expect(await picker.inputValue()).toBe('llmbar-adversarial-neighbor-035');
  expect(await page.locator('#prompt').inputValue()).toBe('Divide 45 by 9');
  await page.locator('#prompt').fill('Divide 45 by 9, please');
  expect(await picker.inputValue()).toBe('');
  expect(await picker.locator('option:checked').textContent()).toMatch(/Your own pair/);

  expect(await page.getByTestId('identical-answers').count()).toBe(0);
  await page.locator('#answer-a').fill('Same text.');
  await page.locator('#answer-b').fill('Same text.  ');
  await page.getByTestId('identical-answers').waitFor();
});

test('Open in Judge shows the saved verdict at once, with no model loaded and no new work', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Which planet is largest?', a: 'Jupiter.', b: 'Saturn.' });
  await page.getByText('Options').click();
  await page.getByLabel('Seed', { exact: true }).fill('9');
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  // A fresh page: nothing loaded, the form empty.
  await page.evaluate(() => localStorage.removeItem('arbiter.judgeDraft'));
  await page.goto(new URL('#/history', baseURL).href);
  await page.reload();
  await page.getByTestId('history-row').first().locator('a').click();
  await page.getByTestId('open-in-judge').click();
  await page.getByTestId('from-store').waitFor();
  expect(await page.getByTestId('verdict-card').getAttribute('data-consistency')).toBe('flipped');
  expect(await page.locator('#prompt').inputValue()).toBe('Which planet is largest?');
  expect(await page.getByLabel('Seed', { exact: true }).inputValue()).toBe('9');
  expect(await engineRequests(page)).toBe(0);

  // Loading the model and judging again finds the same stored work (the options came back too).
  await loadTestModel(page);
  await page.goto(new URL('#/judge', baseURL).href);
  await page.getByTestId('judge').click();
  await page.getByTestId('from-store').waitFor();
  expect(await engineRequests(page)).toBe(0);
});

test('deleting from History asks first; Keep keeps it', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Delete me?', a: 'Yes.', b: 'No.' });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  await page.goto(new URL('#/history', baseURL).href);
  const row = page.getByTestId('history-row');
  await row.first().waitFor();
  await page.getByTestId('history-delete').click();
  expect(await activeTestId(page)).toBe('history-delete-confirm');
  await page.getByTestId('history-delete-cancel').click();
  expect(await row.count()).toBe(1);
  await page.getByTestId('history-delete').click();
  await page.getByTestId('history-delete-confirm').click();
  await page.getByTestId('history-empty').waitFor();
});

test('keyboard: a skip link, and focus on the view heading after navigation', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await page.locator('#prompt').waitFor();
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => document.activeElement?.textContent?.trim());
  expect(skip).toBe('Skip to content');
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
  expect(page.url()).not.toMatch(/#main/);

  for (const [link, heading] of [
    ['Models', 'Models'],
    ['History', 'History'],
    ['Judge', 'Judge a pair'],
  ]) {
    await page.getByRole('navigation').getByRole('link', { name: link }).click();
    await expect
      .poll(() =>
        page.evaluate(() =>
          document.activeElement?.tagName === 'H1' ? document.activeElement.textContent : null,
        ),
      )
      .toBe(heading);
    expect(await page.locator('h1').count()).toBe(1);
  }
});

test('the Ctrl+Enter hint shows with a mouse and is hidden on a touch screen', async () => {
  for (const touch of [false, true]) {
    app = await openApp(baseURL, { context: touch ? { hasTouch: true, isMobile: true } : {} });
    const { page } = app;
    await loadTestModel(page);
    await fillPair(page, { prompt: 'Q?', a: 'A.', b: 'B.' });
    const coarse = await page.evaluate(() => matchMedia('(pointer: coarse)').matches);
    expect(coarse).toBe(touch);
    expect(await page.getByText('Ctrl+Enter').isVisible()).toBe(!touch);
    await app.close();
    app = undefined;
  }
});

test('focus stays useful: Judge after loading the model from this page, and after Stop', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await page.evaluate(() => localStorage.setItem('arbiter.test.tps', '8'));
  await fillPair(page, { prompt: 'Pick one.', a: 'One.', b: 'Two.' });
  await page.getByTestId('judge-load-model').click();
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
    .toBe('judge');
  expect(await page.getByTestId('judge').isEnabled()).toBe(true);

  await page.keyboard.press('Enter');
  await page.getByTestId('stream-AB').waitFor();
  await page.getByTestId('stop').click();
  await page.getByText(/^Stopped\./).waitFor();
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
    .toBe('judge');
  expect(await page.getByTestId('judge-announcement').textContent()).toMatch(/Judging stopped/);
});
