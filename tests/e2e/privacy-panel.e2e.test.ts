// E2E: zero egress with the network blocked (judge a pair and a small batch), the privacy panel, erase everything.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import { fillPair, loadTestModel } from './support/judge-page';
import { seedDataset, startRun } from './support/runs-page';

const baseURL = inject('baseURL');
const origin = new URL(baseURL).origin;
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

function leavesOrigin(url: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:')) return false;
  return new URL(url).origin !== origin;
}

test('zero egress: judging a pair, a batch run and the demo batch of six with every other host blocked sends 0 requests off the origin; the panel agrees', async () => {
  app = await openApp(baseURL, { serviceWorker: true });
  const { page, context } = app;
  const offOrigin: string[] = [];
  let total = 0;
  context.on('request', (r) => {
    total++;
    if (leavesOrigin(r.url())) offOrigin.push(r.url());
  });
  await context.route('**/*', (route) =>
    leavesOrigin(route.request().url()) ? route.abort('blockedbyclient') : route.continue(),
  );
  // The session starts here: a fresh page load with the blocking in place.
  await page.reload();
  await page.evaluate(() => navigator.serviceWorker.ready);

  await loadTestModel(page);
  await fillPair(page, { prompt: 'Is water wet?', a: 'Yes ✔', b: 'No ✘' });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });

  // A batch run from the Runs view over a small dataset, judged in both orders.
  await seedDataset(page, 4, 'ds-egress');
  await startRun(page, baseURL);
  await expect
    .poll(() => page.getByTestId('run-detail-status').textContent(), { timeout: 60_000 })
    .toBe('done');

  // And demo mode's "judge vs humans": the six bundled labeled pairs one after another.
  await page.goto(new URL('#/demo', baseURL).href);
  await page.getByTestId('humans-run').click();
  await expect.poll(() => page.getByTestId('humans-row').count(), { timeout: 60_000 }).toBe(6);

  await page.goto(new URL('#/privacy', baseURL).href);
  const count = page.getByTestId('off-origin-count');
  await count.waitFor();
  expect(total).toBeGreaterThan(0);
  expect(offOrigin).toEqual([]);
  expect(await count.textContent()).toBe(String(offOrigin.length));
  const hosts = page.getByTestId('host-row');
  expect(await hosts.count()).toBe(1);
  expect(await hosts.first().textContent()).toMatch(/this app/);
  console.log(`zero egress: ${total} requests in all, ${offOrigin.length} off the origin`);

  // The count is live and can go up: one request to another host is seen by the test and by the panel.
  await page.evaluate(() => fetch('http://127.0.0.1:9/probe').catch(() => undefined));
  // Playwright reports it twice, from the page and from the service worker that forwards it: one request.
  await expect.poll(() => new Set(offOrigin).size).toBe(1);
  await expect.poll(() => count.textContent()).toBe('1');
  // A pair, a batch run and the demo's six: 37 s at load ~25, and over the project's 60 s at ~26.
}, 180_000);

test('privacy panel lists what is stored where; erase everything removes models, judgments and settings', async () => {
  app = await openApp(baseURL, { serviceWorker: true });
  const { page } = app;
  await page.evaluate(() => navigator.serviceWorker.ready);
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Is fire hot?', a: 'Yes ✔', b: 'No ✘' });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  await page.evaluate(async () => {
    const cache = await caches.open('webllm/model');
    await cache.put(
      'http://127.0.0.1/test-models/resolve/main/params_shard_0.bin',
      new Response(new Uint8Array(4096)),
    );
    localStorage.setItem('arbiter.selectedModel', 'arbiter-test-judge');
  });

  await page.goto(new URL('#/privacy', baseURL).href);
  const stored = page.getByTestId('stored-row');
  await stored.first().waitFor();
  const text = (await page.getByTestId('privacy-stored').textContent()) ?? '';
  expect(text).toMatch(/IndexedDB\s*arbiter\s*your datasets, items, runs, judgments and labels/);
  expect(text).toMatch(/Cache API\s*webllm\/model\s*model files \(model\)\s*1\s*4\.0 KB/);
  expect(text).toMatch(/localStorage\s*arbiter\.selectedModel/);
  expect(text).toMatch(/workbox-precache/);
  // The Judge page's draft is the user's text, named as such; sizes come from the browser's estimate.
  expect(text).toMatch(/localStorage\s*arbiter\.judgeDraft\s*your unsent Judge page draft/);
  expect(text).toMatch(
    /IndexedDB\s*arbiter\s*your datasets, items, runs, judgments and labels\s*\d+\s*[\d.]+ (B|KB|MB)/,
  );
  expect(await page.getByTestId('storage-estimate').textContent()).toMatch(
    /this site uses [\d.]+ (B|KB|MB)/,
  );
  const ownHost = page.getByTestId('host-row').filter({ hasText: '(this app)' });
  expect(await ownHost.locator('td').nth(3).textContent()).toMatch(/[\d.]+ (B|KB|MB)/);

  await page.getByRole('button', { name: 'Erase everything…' }).click();
  await Promise.all([
    page.waitForEvent('load'),
    page.getByRole('button', { name: 'Yes, erase everything' }).click(),
  ]);
  await page.getByTestId('privacy-stored').waitFor();
  expect(await readStore(page, 'runs')).toEqual([]);
  expect(await readStore(page, 'judgments')).toEqual([]);
  const left = await page.evaluate(async () => ({
    caches: await caches.keys(),
    keys: Object.keys(localStorage),
  }));
  expect(left.caches.every((c) => c.startsWith('workbox-precache'))).toBe(true);
  expect(left.keys).not.toContain('arbiter.selectedModel');
  // The app still works after the erase (its offline copy was kept).
  await page.goto(new URL('#/history', baseURL).href);
  await page.getByTestId('history-empty').waitFor();
});
