// E2E: Models → OpenAI-compatible server against a real local server: connection test, use, judge, nothing leaks into exports.
import { readFile } from 'node:fs/promises';
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import { fillPair, waitForSaved } from './support/judge-page';
import { markerJudge, startOpenAIServer, type TestServer } from '../support/openai-server';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;
let server: TestServer | undefined;

afterEach(async () => {
  await app?.close();
  await server?.close();
  app = undefined;
  server = undefined;
});

const KEY = 'sk-e2e-not-for-export';

test('connection test, use the server, judge a pair over it; endpoint and key stay out of exports', async () => {
  server = await startOpenAIServer({
    handler: (req, n) => ({ ...(markerJudge(req, n) as object), delayMs: 5 }),
    models: [{ id: 'test-judge', max_model_len: 4096 }, { id: 'other-model' }],
  });
  app = await openApp(baseURL, { path: '/#/models', serviceWorker: true });
  const { page } = app;
  const panel = page.getByTestId('openai-panel');
  await panel.getByRole('heading', { name: 'OpenAI-compatible server' }).waitFor();
  await page.getByLabel('Endpoint URL').fill(`${server.url}/v1`);
  await page.getByLabel('API key (optional)').fill(KEY);
  await page.getByTestId('openai-test').click();
  await page.getByTestId('openai-report').waitFor({ timeout: 20_000 });
  expect(await page.getByTestId('openai-latency').textContent()).toMatch(/^\d+ ms$/);
  expect(await page.getByTestId('openai-models').textContent()).toBe('test-judge, other-model');
  // The first listed model is filled in; the checks say what works and why not.
  expect(await page.getByTestId('openai-model').inputValue()).toBe('test-judge');
  const checks = page.getByTestId('openai-check');
  expect(await checks.count()).toBe(5);
  expect(await checks.nth(0).getAttribute('data-ok')).toBe('true'); // streaming
  expect(await checks.nth(1).getAttribute('data-ok')).toBe('true'); // logprobs
  expect(await checks.nth(3).textContent()).toMatch(/works \(vllm \/tokenize/);
  // The marker judge ignores the JSON schema, so the test reports it honestly as not followed.
  expect(await checks.nth(2).getAttribute('data-ok')).toBe('false');

  await page.getByTestId('openai-use').click();
  await page.getByTestId('openai-in-use').waitFor();
  expect(await page.getByTestId('model-status').textContent()).toContain('test-judge');

  const before = server.completions;
  await fillPair(page, {
    prompt: 'Which greeting is kinder?',
    a: 'BAD: go away',
    b: 'GOOD: hello friend',
  });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('verdict-headline').textContent()).toMatch(/B/);
  expect(await page.getByTestId('consistency').textContent()).toMatch(/consistent/i);
  expect(server.completions - before).toBe(2);
  const chats = server.requests.filter(
    (r) => r.path === '/v1/chat/completions' && JSON.stringify(r.body).includes('kinder'),
  );
  expect(chats).toHaveLength(2);
  for (const c of chats) {
    expect(c.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(c.body).toMatchObject({ model: 'test-judge', stream: true });
  }

  // The verdict shows before the last write commits (judge-save.e2e): wait for the saved run.
  await waitForSaved(page);
  const stored = await readStore<{ engine: string; modelId: string }>(page, 'judgments');
  expect(stored).toHaveLength(2);
  for (const s of stored) expect(s).toMatchObject({ engine: 'openai', modelId: 'test-judge' });

  await page.goto(new URL('#/history', baseURL).href);
  await page.getByTestId('history-row').first().waitFor();
  const [jsonl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-jsonl').click(),
  ]);
  const exported = await readFile(await jsonl.path(), 'utf8');
  expect(exported).toContain('test-judge');
  expect(exported).not.toContain(KEY);
  expect(exported).not.toContain(new URL(server.url).host);

  // Settings survive a reload (kept in this browser).
  await page.goto(new URL('#/models', baseURL).href);
  await page.reload();
  expect(await page.getByTestId('openai-endpoint').inputValue()).toBe(`${server.url}/v1`);
  expect(await page.getByTestId('openai-model').inputValue()).toBe('test-judge');
  expect(app.errors).toEqual([]);
});

test('an unreachable server fails the connection test with a clear message', async () => {
  app = await openApp(baseURL, { path: '/#/models', serviceWorker: true });
  const { page } = app;
  await page.getByLabel('Endpoint URL').fill('http://127.0.0.1:9/v1');
  await page.getByTestId('openai-test').click();
  const alert = page.getByTestId('openai-panel').getByRole('alert');
  await alert.waitFor({ timeout: 20_000 });
  expect(await alert.getAttribute('data-error-name')).toBe('ServerUnreachableError');
  expect(await alert.textContent()).toMatch(/could not be reached.*CORS/s);
});

test('after a failed connection test "Use this server" waits for a fix; a failed use shows one error and no stale bar', async () => {
  app = await openApp(baseURL, { path: '/#/models', serviceWorker: true });
  const { page } = app;
  const panel = page.getByTestId('openai-panel');
  await page.getByLabel('Endpoint URL').fill('http://127.0.0.1:9/v1');
  await page.getByTestId('openai-model').fill('test-judge');
  await page.getByTestId('openai-test').click();
  await panel.getByRole('alert').waitFor({ timeout: 20_000 });
  const use = page.getByTestId('openai-use');
  expect(await use.isDisabled()).toBe(true);
  expect(await use.getAttribute('aria-describedby')).toBe('openai-use-why');
  // Changed settings may work: Use is offered again. Used untested against a dead server, it
  // fails once, in the panel, and the model picker keeps no "Checking… elapsed 0 ms" bar.
  await page.getByLabel('Endpoint URL').fill('http://127.0.0.1:9/');
  expect(await use.isDisabled()).toBe(false);
  // Settled when the button, disabled while the use is tried, is enabled again.
  const settled = page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const b = document.querySelector<HTMLButtonElement>('[data-testid=openai-use]')!;
        let wasDisabled = false;
        const obs = new MutationObserver(() => {
          if (b.disabled) wasDisabled = true;
          else if (wasDisabled) {
            obs.disconnect();
            resolve();
          }
        });
        obs.observe(b, { attributes: true, attributeFilter: ['disabled'] });
      }),
  );
  await use.click();
  await settled;
  expect(await page.getByRole('alert').count()).toBe(1);
  expect(await panel.getByRole('alert').count()).toBe(1);
  expect(await page.getByTestId('load-progress').count()).toBe(0);
});
