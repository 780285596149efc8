// E2E: a long, fast judgment streams block by block (several blocks per update) and the full view then shows exactly the text the stream showed.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import { fillPair, loadTestModel, waitForSaved } from './support/judge-page';

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
