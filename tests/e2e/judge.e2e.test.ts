// E2E: judge a pair from the real UI, streaming, flips, stop, context check, and no work twice.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import {
  chooseModel,
  engineRequests,
  fillPair,
  loadTestModel,
  waitForSaved,
} from './support/judge-page';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

test('judges a pair: both orders stream, then the verdict shows a detected flip', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  await fillPair(page, {
    prompt: 'What is the capital of France?',
    a: 'Paris.',
    b: 'Lyon.',
  });
  // The first order's text as the streaming view last showed it, before the full view replaces it.
  await page.evaluate(() => {
    new MutationObserver(() => {
      const streams = document.querySelector<HTMLElement>('[data-testid=streams]');
      const answer = streams?.querySelector(
        '[data-testid=stream-AB] [data-testid=judgment-answer]',
      );
      if (streams?.dataset.rendered === 'streaming' && answer)
        (window as { __streamed?: string }).__streamed = answer.textContent ?? '';
      // Seen while it happens, not sampled later: a busy machine may finish the stream first.
      const ab = document.querySelector('[data-testid=stream-AB]');
      if (
        ab?.getAttribute('aria-busy') === 'true' &&
        !document.querySelector('[data-testid=verdict-card]')
      )
        (window as { __busyBeforeVerdict?: boolean }).__busyBeforeVerdict = true;
    }).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  });
  await page.getByTestId('judge').click();
  // Streaming: the first order's panel fills while it is still generating, before any verdict.
  const first = page.getByTestId('stream-AB');
  await first.waitFor();
  await expect
    .poll(() =>
      page.evaluate(
        () => (window as { __busyBeforeVerdict?: boolean }).__busyBeforeVerdict === true,
      ),
    )
    .toBe(true);
  await expect.poll(async () => (await first.textContent())?.length ?? 0).toBeGreaterThan(20);

  const card = page.getByTestId('verdict-card');
  await card.waitFor({ timeout: 30_000 });
  // What streamed (block by block) is what the full view shows once its Markdown has been
  // rendered in idle-time slices: not a character dropped across the switch.
  const squash = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, '');
  const streamed = squash(
    await page.evaluate(() => (window as { __streamed?: string }).__streamed),
  );
  expect(streamed.length).toBeGreaterThan(20);
  await page.locator('[data-testid=streams][data-rendered=full]').waitFor();
  expect(
    squash(await first.getByTestId('judgment-answer').getByTestId('rendered-text').textContent()),
  ).toBe(streamed);
  expect(await card.getAttribute('data-consistency')).toBe('flipped');
  expect(await page.getByTestId('consistency').textContent()).toMatch(/Flipped/);
  expect(await page.getByTestId('verdict-headline').textContent()).toMatch(/flipped/i);
  // Both orders ran and are reported with their cost.
  expect(await page.getByTestId('order-row-AB').textContent()).toMatch(/Answer A/);
  expect(await page.getByTestId('order-row-BA').textContent()).toMatch(/Answer B/);
  expect(await page.getByTestId('order-row-BA').textContent()).toMatch(/tok\/s/);
  expect(await engineRequests(page)).toBe(2);
  expect(app.errors).toEqual([]);
});

test('a judge that prefers the same answer in both orders is reported consistent', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  await fillPair(page, {
    prompt: 'Is 17 prime?',
    a: '✘ No, 17 = 3 × 6.',
    b: '✔ Yes, 17 is prime.',
  });
  await page.getByTestId('judge').click();
  const card = page.getByTestId('verdict-card');
  await card.waitFor({ timeout: 30_000 });
  expect(await card.getAttribute('data-consistency')).toBe('consistent');
  expect(await card.getAttribute('data-verdict')).toBe('B');
  expect(await page.getByTestId('verdict-headline').textContent()).toMatch(/Answer B wins/);
});

test('the same inputs show the stored judgment instead of recomputing, with a choice to run again', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  const pair = { prompt: 'Name a primary colour.', a: 'Red.', b: 'Green.' };
  await fillPair(page, pair);
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  expect(await engineRequests(page)).toBe(2);

  await page.getByTestId('judge').click();
  await page.getByTestId('from-store').waitFor();
  expect(await engineRequests(page)).toBe(2);
  expect(await page.getByTestId('verdict-card').getAttribute('data-consistency')).toBe('flipped');

  // A different seed is different work.
  await page.getByText('Options').click();
  await page.getByLabel('Seed').fill('7');
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('from-store').count()).toBe(0);
  expect(await engineRequests(page)).toBe(4);

  await page.getByLabel('Seed').fill('42');
  await page.getByTestId('judge').click();
  await page.getByTestId('run-again').click();
  await expect.poll(() => engineRequests(page), { timeout: 30_000 }).toBe(6);
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
});

test('an item too long for the context window gets a clear message, not a crash', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page, 'arbiter-test-judge-small-context');
  const long = 'This answer goes on and on. '.repeat(120);
  await fillPair(page, { prompt: 'Summarise.', a: long, b: long });
  await page.getByTestId('judge').click();
  const alert = page.locator('[role=alert][data-error-name=ContextWindowExceededError]');
  await alert.waitFor();
  expect(await alert.textContent()).toMatch(/holds 512 tokens/);
  expect(await alert.textContent()).toMatch(/Shorten/);
  expect(await engineRequests(page, 'arbiter-test-judge-small-context')).toBe(0);
  // Still usable: a short pair judges fine.
  await page.locator('#answer-a').fill('Short.');
  await page.locator('#answer-b').fill('Brief.');
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
});

test('Stop ends the judgment at once and keeps what finished', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  // Slow enough that the second order is still streaming when Stop is clicked.
  await page.evaluate(() => localStorage.setItem('arbiter.test.tps', '20'));
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Pick one.', a: 'One.', b: 'Two.' });
  await page.getByTestId('judge').click();
  // The first order has finished, the second is generating.
  await page.locator('[data-testid=stream-AB][aria-busy=false]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=stream-BA][aria-busy=true]').waitFor();
  await page.getByTestId('stop').click();
  await page.getByText(/^Stopped\./).waitFor();
  // Cut, not run out: at 20 tok/s the second order had far to go, and its verdict never came.
  // (A behaviour check, not a clock: a busy machine must not fail it.)
  expect(await page.getByTestId('stream-BA').textContent()).not.toMatch(/\[\[[AB]\]\]/);
  expect(await page.getByTestId('verdict-card').count()).toBe(0);
  expect(await page.getByTestId('judge').isEnabled()).toBe(true);
  // What finished is kept: the first order's judgment is stored, the run says it was cancelled.
  await page.getByText(/^Stopped. 1 finished judgment/).waitFor();
  const run = await waitForSaved(page, 'cancelled');
  const stored = await readStore<{ runId: string; order: string; verdict: string }>(
    page,
    'judgments',
  );
  expect(stored.map((j) => [j.runId, j.order, j.verdict])).toEqual([[run.id, 'AB', 'A']]);
  // And it still shows, with the partial second order.
  expect(await page.getByTestId('stream-AB').textContent()).toMatch(/\[\[A\]\]/);
  expect((await page.getByTestId('stream-BA').textContent())?.length ?? 0).toBeGreaterThan(20);
});

test('an example pair, loaded and judged from the Judge page with Ctrl+Enter, is compared with its human label', async () => {
  app = await openApp(baseURL, { path: '/#/models' });
  const { page } = app;
  await chooseModel(page, 'arbiter-test-judge');
  await page.goto(new URL('#/judge', baseURL).href);
  await page.getByTestId('example').selectOption('llmbar-adversarial-neighbor-035');
  expect(await page.locator('#prompt').inputValue()).toBe('Divide 45 by 9');

  // The exact prompt is visible before judging, both orders, with the answers in swapped places.
  await page.getByTestId('prompt-preview').locator('summary').click();
  const preview = await page.getByTestId('prompt-preview').textContent();
  expect(preview).toContain('Order 2 (B first)');
  expect(preview!.indexOf('22.5')).toBeLessThan(
    preview!.indexOf('The result of 45 divided by 9 is 5.'),
  );

  await page.getByTestId('judge-load-model').click();
  await page.getByTestId('judge').and(page.locator(':enabled')).waitFor();
  await page.locator('#prompt').press('Control+Enter');
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  const gold = await page.getByTestId('gold-label').textContent();
  expect(gold).toMatch(/LLMBar, Adversarial\/Neighbor/);
  expect(gold).toMatch(/answer B is better; flipped with the order/);
});

test('verdict-only with logprobs shows the confidence and the preference bar', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  await fillPair(page, {
    prompt: 'Which is correct?',
    a: '✔ 2 + 2 = 4',
    b: '✘ 2 + 2 = 5',
    protocol: 'verdict-only',
  });
  await page.getByTestId('judge').click();
  const card = page.getByTestId('verdict-card');
  await card.waitFor({ timeout: 30_000 });
  expect(await card.getAttribute('data-verdict')).toBe('A');
  expect(await card.getAttribute('data-consistency')).toBe('consistent');
  // The test judge puts about 83% on its choice (logprobs -0.2 vs -1.8), in both orders.
  expect(await page.getByTestId('confidence').textContent()).toMatch(/confidence 83%/);
  expect(await page.getByTestId('confidence').textContent()).toMatch(/P\(A preferred\) 83%/);

  // A flip: no overall confidence to claim, but each order's own certainty is shown.
  await page.locator('#answer-a').fill('2 + 2 = 4');
  await page.locator('#answer-b').fill('2 + 2 = 5');
  await page.getByTestId('judge').click();
  await expect
    .poll(() => card.getAttribute('data-consistency'), { timeout: 30_000 })
    .toBe('flipped');
  const conf = await page.getByTestId('confidence').textContent();
  expect(conf).not.toMatch(/confidence/);
  expect(conf).toMatch(/P\(A preferred\) 50%/);
  expect(await page.getByTestId('order-prob').allTextContents()).toEqual(['83%', '83%']);
});
