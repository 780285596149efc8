// E2E: a long, fast judgment streams block by block (several blocks per update) and the full view then shows exactly the text the stream showed;
// on a phone the streaming text sits in a box of fixed size, pinned to its newest line.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import { fillPair, loadTestModel, waitForSaved } from './support/judge-page';
import { expectNoSeriousAxeViolations } from './support/axe';
import { expectNoHorizontalScroll } from './support/layout';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

test('600 tokens at 1,000 tok/s: what streamed is what the full view shows, in both orders, and every paragraph is there', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  // The test engine's speed and length are read when its worker starts (on the next load).
  await page.evaluate(() => {
    localStorage.setItem('arbiter.test.tps', '1000');
    localStorage.setItem('arbiter.test.tokens', '600');
  });
  await page.reload();
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Which is better?', a: 'One.', b: 'Two.' });
  // Each order's answer as the streaming view last showed it, and how many blocks it held.
  await page.evaluate(() => {
    const seen: Record<string, { text: string; blocks: number }> = {};
    (window as unknown as { __streamed: typeof seen }).__streamed = seen;
    new MutationObserver(() => {
      const streams = document.querySelector<HTMLElement>('[data-testid=streams]');
      if (streams?.dataset.rendered !== 'streaming') return;
      for (const order of ['AB', 'BA']) {
        const answer = streams.querySelector(
          `[data-testid=stream-${order}] [data-testid=judgment-answer]`,
        );
        if (answer)
          seen[order] = {
            text: answer.textContent ?? '',
            blocks: answer.querySelector('.md')?.children.length ?? 0,
          };
      }
    }).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 60_000 });
  await page.locator('[data-testid=streams][data-rendered=full]').waitFor({ timeout: 20_000 });

  const streamed = await page.evaluate(
    () =>
      (window as unknown as { __streamed: Record<string, { text: string; blocks: number }> })
        .__streamed,
  );
  const squash = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, '');
  const stored = await readStore<{ order: string; text: string }>(page, 'judgments');
  for (const order of ['AB', 'BA']) {
    const s = streamed[order];
    expect(s).toBeDefined();
    // The answer half of ~600 tokens: many finished blocks, rendered as Markdown while streaming.
    expect(s?.blocks).toBeGreaterThan(5);
    const full = await page
      .getByTestId(`stream-${order}`)
      .getByTestId('judgment-answer')
      .getByTestId('rendered-text')
      .textContent();
    expect(squash(full)).toBe(squash(s?.text));
    // Every paragraph of the stored answer is on screen (Markdown marks aside).
    const text = stored.find((j) => j.order === order)?.text ?? '';
    const answer = text.slice(text.indexOf('</think>') + '</think>'.length);
    const paragraphs = answer
      .split('\n\n')
      .map((p) => squash(p.replace(/\*\*|`|^- /gm, '')))
      .filter((p) => p.length > 0 && !p.includes('<'));
    expect(paragraphs.length).toBeGreaterThan(5);
    for (const p of paragraphs) expect(squash(full)).toContain(p);
  }
  expect((await waitForSaved(page)).status).toBe('done');
  expect(app.errors).toEqual([]);
});

test('at 390 px, the streaming text fills a box of fixed size that keeps its newest line in view, reachable by keyboard, with no axe violation', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  await page.setViewportSize({ width: 390, height: 780 });
  await page.evaluate(() => {
    localStorage.setItem('arbiter.test.tps', '60');
    localStorage.setItem('arbiter.test.tokens', '1000');
  });
  await page.reload();
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Which is better?', a: 'One.', b: 'Two.' });
  await page.getByTestId('judge').click();
  // The first order's thinking streams in its open box, which fills and then holds its size.
  const box = page.getByTestId('stream-AB').getByRole('region', { name: /thinking so far/ });
  await page.waitForFunction(
    () =>
      document.querySelector<HTMLElement>('[data-testid=stream-AB] [role=region][data-full]') !==
      null,
    undefined,
    { timeout: 30_000, polling: 200 },
  );
  const measure = () =>
    box.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const tail = [...el.querySelectorAll('.plain')].at(-1)!.getBoundingClientRect();
      const lastBlock = el.querySelector('.md')?.lastElementChild?.getBoundingClientRect();
      const newest = tail.height > 0 ? tail : lastBlock!;
      return {
        height: r.height,
        viewport: window.innerHeight,
        overflows: el.scrollHeight > el.clientHeight,
        // The newest text ends at the box's bottom edge (within a line), so it is in view.
        newestAtBottom: Math.abs(newest.bottom - r.bottom) < 30,
        text: el.textContent?.length ?? 0,
      };
    });
  const first = await measure();
  expect(first.overflows).toBe(true);
  expect(first.height).toBeLessThanOrEqual(first.viewport * 0.55 + 1);
  expect(first.newestAtBottom).toBe(true);
  await page.waitForTimeout(2500);
  const later = await measure();
  expect(later.text).toBeGreaterThan(first.text);
  expect(later.height).toBe(first.height);
  expect(later.newestAtBottom).toBe(true);
  // A keyboard user can reach the box to scroll back through what streamed.
  expect(await box.getAttribute('tabindex')).toBe('0');
  await expectNoHorizontalScroll(page, 'judge while streaming at 390');
  await expectNoSeriousAxeViolations(page, 'judge while streaming at 390');
  await page.getByTestId('verdict-card').waitFor({ timeout: 120_000 });
  await page.locator('[data-testid=streams][data-rendered=full]').waitFor({ timeout: 20_000 });
  // The finished view shows the whole text, in no scrolling box.
  expect(await page.locator('[data-testid=streams] [role=region]').count()).toBe(0);
  expect(app.errors).toEqual([]);
});
