// E2E: the service worker serves the app and History with the network off; how fast it becomes usable offline.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, type E2EPage } from './support/browser';
import { fillPair, loadTestModel } from './support/judge-page';
import type { Page } from 'playwright-core';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Wait until the service worker is active and controls this page (first visit: it claims the page). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((res) =>
        navigator.serviceWorker.addEventListener('controllerchange', res, { once: true }),
      );
  });
}

test('offline reload serves the app and History; a judgment still works offline', async () => {
  // A browser of its own: nothing but this test's service worker and cache, and no other
  // test's traffic while the network is off.
  app = await openApp(baseURL, { ownBrowser: true, serviceWorker: true });
  const { page, context } = app;
  await waitForServiceWorker(page);
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Capital of France?', a: 'Paris ✔', b: 'Lyon ✘' });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });

  await context.setOffline(true);
  // The network really is off: a file that is not precached cannot be fetched.
  const reachable = await page.evaluate(() =>
    fetch(`/not-precached-${Date.now()}.txt`).then(
      () => true,
      () => false,
    ),
  );
  expect(reachable).toBe(false);
  // That probe's own "failed to load" console line is expected; anything after it is not.
  app.errors.length = 0;

  const t0 = Date.now();
  await page.goto(new URL('#/history', baseURL).href);
  await page.reload();
  const row = page.getByTestId('history-row');
  await row.first().waitFor({ timeout: 20_000 });
  const interactiveMs = Date.now() - t0;
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return { domInteractive: n.domInteractive, loadEventEnd: n.loadEventEnd };
  });
  console.log(
    `offline reload: History usable after ${interactiveMs} ms (domInteractive ${nav.domInteractive.toFixed(0)} ms, load ${nav.loadEventEnd.toFixed(0)} ms)`,
  );
  expect(await row.count()).toBe(1);
  expect(await row.first().textContent()).toMatch(/Capital of France\?/);
  await row.first().locator('a').click();
  await page.getByTestId('history-detail').waitFor();
  expect(await page.getByTestId('verdict-card').getAttribute('data-consistency')).toBe(
    'consistent',
  );

  // A cached model loads and judges with the network off (the test engine stands in for web-llm).
  await loadTestModel(page);
  await fillPair(page, { prompt: 'Largest ocean?', a: 'Pacific ✔', b: 'Atlantic ✘' });
  await page.getByTestId('judge').click();
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  expect(app.errors.filter((e) => !/Failed to fetch|ERR_INTERNET_DISCONNECTED/.test(e))).toEqual(
    [],
  );
});

test('the app is installable: manifest with icons, served under the page’s own origin', async () => {
  app = await openApp(baseURL);
  const { page } = app;
  const href = await page.locator('link[rel=manifest]').getAttribute('href');
  expect(href).toBeTruthy();
  const manifest = await page.evaluate(async (h) => (await fetch(h)).json(), href as string);
  expect(manifest).toMatchObject({ short_name: 'Arbiter', display: 'standalone' });
  const sizes = (manifest.icons as { sizes: string }[]).map((i) => i.sizes);
  expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
  for (const icon of manifest.icons as { src: string }[]) {
    const ok = await page.evaluate(
      async (src) => (await fetch(src)).headers.get('content-type'),
      icon.src,
    );
    expect(ok).toBe('image/png');
  }
});
