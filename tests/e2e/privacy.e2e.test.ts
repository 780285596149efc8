// E2E: hostile text in prompt, answers, model names and model output never contacts a host, never reorders the UI, and shows in full.
import { afterEach, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, type E2EPage } from './support/browser';
import { fillPair, loadTestModel } from './support/judge-page';
import {
  HOSTILE_TEXT,
  HOSTILE_TEXTS,
  recordForeignRequests,
  REMOTE_MARKER,
  TRACKER,
} from './support/hostile';
import { visibleText } from '../../src/lib/ui/bidi';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

const RLO = '\u202E';
const half = Math.ceil(HOSTILE_TEXTS.length / 2);

/** Open every <details> and click every "Rendered" toggle on the page, so the rendered form of each text is in the DOM too. */
async function renderAll(page: Page): Promise<number> {
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
  });
  const buttons = page.getByTestId('show-rendered');
  const n = await buttons.count();
  for (let i = 0; i < n; i++) await buttons.nth(i).click();
  return n;
}

test(
  'no view contacts any host but its own, whatever the prompt, answers and model output hold',
  { timeout: 180_000 },
  async () => {
    app = await openApp(baseURL, { path: '/#/models', serviceWorker: true });
    const { page } = app;
    const foreign = await recordForeignRequests(page, baseURL);
    // The model's output is long (all the payloads, twice): stream it fast.
    await page.evaluate(() => localStorage.setItem('arbiter.test.tps', '2000'));
    await page.reload();
    await loadTestModel(page);
    await fillPair(page, {
      prompt: `${REMOTE_MARKER}: which answer is better?\n\n${HOSTILE_TEXT}`,
      // Each answer holds half the payloads, so the pair fits the test model's 4K context.
      a: `${HOSTILE_TEXTS.slice(0, half).join('\n\n')}\n\n✔ the good one`,
      b: `✘ ${HOSTILE_TEXTS.slice(half).join('\n\n')}`,
    });
    await page.getByLabel('Model that wrote answer A').fill(`model ${HOSTILE_TEXTS[2]}`);
    await page.getByLabel('Model that wrote answer B').fill(`model ${RLO}B`);
    await page.getByTestId('prompt-preview').locator('summary').click();
    await page.getByTestId('judge').click();
    await page.getByTestId('stream-AB').waitFor();
    await page.getByTestId('verdict-card').waitFor({ timeout: 90_000 });
    // The "Rendered" toggles belong to the full view of the finished texts, which replaces the
    // streaming view once the page is idle after the verdict (later on a busy machine: a clean-clone
    // CI counted 0 toggles here when it looked straight after the verdict).
    await page.locator('[data-testid=streams][data-rendered=full]').waitFor();
    // The model's output really carried the payloads, and the page shows them as text. Collapsed
    // thinking is rendered only when opened (and a fast stream can collapse it before any render).
    const stream = page.getByTestId('stream-AB');
    await stream.locator('details').evaluateAll((ds) => {
      for (const d of ds) (d as HTMLDetailsElement).open = true;
    });
    await expect.poll(() => stream.textContent()).toContain(`${TRACKER}/md-image.png`);
    expect(await renderAll(page)).toBeGreaterThan(0);
    await foreign.settled(page);

    await page.goto(new URL('#/history', baseURL).href);
    await page.getByTestId('history-row').first().waitFor();
    await page.getByTestId('history-row').first().locator('a').click();
    const detail = page.getByTestId('history-detail');
    await detail.waitFor();
    // Raw first (the texts hold HTML), then every block rendered.
    expect(await detail.getByTestId('raw-text').count()).toBeGreaterThanOrEqual(3);
    expect(await renderAll(page)).toBeGreaterThanOrEqual(5);
    await foreign.settled(page);
    const rendered = (await page.getByTestId('rendered-text').allTextContents()).join('\n');
    for (const url of ['md-image.png', 'img.png', 'style-attr.png', 'ping', 'script.js']) {
      expect(rendered).toContain(`${TRACKER}/${url}`);
    }

    await page.getByRole('button', { name: 'Open in Judge' }).click();
    await page.getByTestId('prompt-preview').waitFor();
    await page.goto(new URL('#/models', baseURL).href);
    await page.getByTestId('model-ready').waitFor();
    await foreign.settled(page);

    const violations = await foreign.violations();
    console.log(
      `foreign requests: ${foreign.requests.length}, CSP violations: ${violations.length}`,
    );
    expect(foreign.requests).toEqual([]);
    expect(violations).toEqual([]);
    expect(
      await page.evaluate(
        () =>
          document.querySelectorAll(
            'img, video, audio, iframe, object, embed, link[href*="tracker"]',
          ).length,
      ),
    ).toBe(0);
  },
);

test('the page and its workers get a Content-Security-Policy that refuses remote images and allows WebAssembly', async () => {
  app = await openApp(baseURL, { serviceWorker: true });
  const { page } = app;
  const res = await page.request.get(baseURL);
  const header = res.headers()['content-security-policy'] ?? '';
  const meta = await page
    .locator('meta[http-equiv=Content-Security-Policy]')
    .getAttribute('content');
  for (const policy of [header, meta ?? '']) {
    expect(policy).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
    expect(policy).toMatch(/img-src 'self' data: blob:;/);
    expect(policy).toMatch(/connect-src 'self' https:/);
  }
  expect(header).toMatch(/frame-ancestors 'none'/);
  // A remote image is refused by the policy itself (the second line of defence).
  const blocked = await page.evaluate(async (host) => {
    const seen = new Promise<string>((resolve) =>
      document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), {
        once: true,
      }),
    );
    const img = new Image();
    img.src = `https://${host}/csp-probe.png`;
    return seen;
  }, TRACKER);
  expect(blocked).toBe('img-src');
  // WebAssembly compiles under the policy ('wasm-unsafe-eval'), as web-llm needs.
  const wasm = await page.evaluate(async () => {
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
    await WebAssembly.compile(bytes);
    return 'compiled';
  });
  expect(wasm).toBe('compiled');
  // Only the probe's own refusal was reported.
  expect(app.errors.filter((e) => !e.includes('csp-probe.png'))).toEqual([]);
});

test('a right-to-left override in a model name or an answer does not reverse the UI around it', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  const answerA = `✔ Good answer ${RLO}reversed tail`;
  await fillPair(page, { prompt: 'Pick one.', a: answerA, b: '✘ Bad answer.' });
  await page.getByLabel('Model that wrote answer A').fill(`evil${RLO}name`);
  await page.getByTestId('judge').click();
  const headline = page.getByTestId('verdict-headline');
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  expect(await headline.textContent()).toMatch(/Answer A.*wins/);

  // Characters of " wins" after the model name must still run left to right.
  const order = (locator: ReturnType<Page['getByTestId']>, word: string) =>
    locator.evaluate((el, w) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.nodeValue?.lastIndexOf(w) ?? -1;
        if (i < 0) continue;
        const xs = [...w].map((_, k) => {
          const r = document.createRange();
          r.setStart(n, i + k);
          r.setEnd(n, i + k + 1);
          return r.getBoundingClientRect().left;
        });
        return xs.every((x, k) => k === 0 || x > xs[k - 1]!) ? 'ltr' : 'reversed';
      }
      return 'missing';
    }, word);
  expect(await order(headline, 'wins')).toBe('ltr');
  // The exact prompt shows the control as a mark: the template text after the answer reads as written.
  await page.getByTestId('prompt-preview').locator('summary').click();
  const userMessage = page.getByTestId('prompt-preview').locator('pre').nth(1);
  expect(await userMessage.textContent()).toContain('U+202E');
  expect(await order(userMessage, 'tail')).toBe('ltr');

  await page.goto(new URL('#/history', baseURL).href);
  await page.getByTestId('history-row').first().locator('a').click();
  const a = page.getByTestId('detail-answer-a');
  await a.waitFor();
  // The control shows as a visible mark, so the tail after it reads as written.
  expect(await a.getByTestId('raw-text').count()).toBe(0);
  await a.getByTestId('show-raw').click();
  expect(await a.getByTestId('raw-text').innerText()).toBe(visibleText(answerA));
  expect(await order(a.getByTestId('raw-text'), 'tail')).toBe('ltr');
  expect(await order(page.getByTestId('verdict-headline'), 'wins')).toBe('ltr');
});

test('History shows every character of an answer with HTML, raw by default, with a rendered view that drops nothing', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await loadTestModel(page);
  const answer = `<b>bold</b> and <span>span text</span> and <script>x()</script> ${HOSTILE_TEXTS[3]}\n\n**markdown**`;
  await fillPair(page, { prompt: 'Format this.', a: answer, b: 'Plain.' });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  await page.goto(new URL('#/history', baseURL).href);
  await page.getByTestId('history-row').first().locator('a').click();
  const a = page.getByTestId('detail-answer-a');
  await a.waitFor();
  expect(await a.getByTestId('untrusted-text').getAttribute('data-mode')).toBe('raw');
  expect(await a.getByTestId('raw-text').innerText()).toBe(answer);
  await a.getByTestId('show-rendered').click();
  const rendered = await a.getByTestId('rendered-text').innerText();
  for (const part of ['<b>bold</b>', '<span>span text</span>', '<script>x()</script>', 'srcset']) {
    expect(rendered).toContain(part);
  }
  expect(await a.locator('strong').textContent()).toBe('markdown');
  // A text without HTML starts rendered.
  expect(
    await page
      .getByTestId('detail-answer-b')
      .getByTestId('untrusted-text')
      .getAttribute('data-mode'),
  ).toBe('rendered');
});
