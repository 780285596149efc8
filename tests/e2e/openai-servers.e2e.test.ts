// E2E: Models → OpenAI-compatible server with a second server: each tested, a batch run spread over both real local servers.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import { expectNoSeriousAxeViolations } from './support/axe';
import { expectNoHorizontalScroll } from './support/layout';
import { seedDataset, startRun } from './support/runs-page';
import { markerJudge, startOpenAIServer, type TestServer } from '../support/openai-server';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;
const servers: TestServer[] = [];

afterEach(async () => {
  await app?.close();
  app = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Judgment requests a server answered (the connection tests' own requests left out). */
const judged = (s: TestServer) =>
  s.requests.filter(
    (r) =>
      r.path === '/v1/chat/completions' && JSON.stringify(r.body?.messages).includes('Question'),
  ).length;

test('two servers: each passes its connection test, a batch run uses both, every judgment once', async () => {
  for (let i = 0; i < 2; i++)
    servers.push(
      await startOpenAIServer({
        handler: (req, n) => ({ ...(markerJudge(req, n) as object), latencyMs: 20 }),
      }),
    );
  const [a, b] = servers as [TestServer, TestServer];
  app = await openApp(baseURL, {
    path: '/#/models',
    context: { viewport: { width: 390, height: 844 } },
  });
  const { page } = app;
  await page.getByLabel('Endpoint URL').fill(`${a.url}/v1`);
  await page.getByTestId('openai-test').click();
  await page.getByTestId('openai-report').waitFor({ timeout: 20_000 });

  // Keyboard only: add a second server, give its URL, test it.
  await page.getByTestId('openai-add-server').focus();
  await page.keyboard.press('Enter');
  await page.getByLabel('Server 2 URL').fill(`${b.url}/v1`);
  await page.getByTestId('openai-server-test').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('openai-server-ok').waitFor({ timeout: 20_000 });
  expect(await page.getByTestId('openai-server-ok').textContent()).toMatch(/Answered in \d+ ms/);

  // A third that cannot be reached says why, CORS included, and can be removed again.
  await page.getByTestId('openai-add-server').click();
  await page.getByLabel('Server 3 URL').fill('http://127.0.0.1:9/v1');
  await page.getByTestId('openai-server-test').nth(1).click();
  const alert = page.getByTestId('openai-server-row').nth(1).getByRole('alert');
  await alert.waitFor({ timeout: 20_000 });
  expect(await alert.textContent()).toMatch(/could not be reached.*CORS/s);
  await expectNoHorizontalScroll(page, 'models, two more servers at 390 px');
  await expectNoSeriousAxeViolations(page, 'models with more servers');
  await page.getByRole('button', { name: 'Remove server 3' }).click();
  expect(await page.getByTestId('openai-server-row').count()).toBe(1);

  await page.getByTestId('openai-use').click();
  await page.getByTestId('openai-in-use').waitFor({ timeout: 20_000 });
  expect(await page.getByTestId('openai-in-use').textContent()).toMatch(/and 1 more server/);

  await seedDataset(page, 12);
  const runId = await startRun(page, baseURL);
  await expect
    .poll(() => page.getByTestId('run-detail-status').textContent(), { timeout: 60_000 })
    .toBe('done');
  const all = (await readStore<{ runId: string; key: string }>(page, 'judgments')).filter(
    (j) => j.runId === runId,
  );
  expect(all).toHaveLength(24);
  expect(new Set(all.map((j) => j.key)).size).toBe(24);
  expect(judged(a)).toBeGreaterThan(0);
  expect(judged(b)).toBeGreaterThan(0);
  expect(judged(a) + judged(b)).toBe(24);
  // Side by side, not one after the other.
  expect(Math.max(a.maxInFlight, b.maxInFlight)).toBeGreaterThan(1);

  // The list is kept in this browser.
  await page.goto(new URL('#/models', baseURL).href);
  await page.reload();
  expect(await page.getByLabel('Server 2 URL').inputValue()).toBe(`${b.url}/v1`);
  // The browser logs the deliberately unreachable third server's failed request; nothing else.
  expect(app.errors.filter((e) => !e.includes('net::ERR_UNSAFE_PORT'))).toEqual([]);
});
