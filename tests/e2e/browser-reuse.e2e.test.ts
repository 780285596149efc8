// E2E harness: tests share their worker's Chromium, each with a context of its own that starts empty.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';

const baseURL = inject('baseURL');
let apps: E2EPage[] = [];

afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

async function open(opts: Parameters<typeof openApp>[1] = {}): Promise<E2EPage> {
  const app = await openApp(baseURL, opts);
  apps.push(app);
  return app;
}

test('a second app shares the browser but none of the first one’s storage', async () => {
  const first = await open();
  await first.page.evaluate(() => localStorage.setItem('arbiter.test.mark', 'first'));
  await first.page.evaluate(
    () =>
      new Promise((done, fail) => {
        const r = indexedDB.open('arbiter-harness-probe', 1);
        r.onupgradeneeded = () => r.result.createObjectStore('s').put('first', 'k');
        r.onsuccess = () => done(r.result.close());
        r.onerror = () => fail(r.error);
      }),
  );
  const second = await open();
  expect(second.browser).toBe(first.browser);
  expect(second.context).not.toBe(first.context);
  expect(await second.page.evaluate(() => localStorage.getItem('arbiter.test.mark'))).toBeNull();
  expect(
    await second.page.evaluate(async () =>
      (await indexedDB.databases()).map((d) => d.name).filter((n) => n === 'arbiter-harness-probe'),
    ),
  ).toEqual([]);
  // Closing one app leaves the other (and the shared browser) working.
  await first.close();
  apps = apps.filter((a) => a !== first);
  expect(second.browser.isConnected()).toBe(true);
  expect(await readStore(second.page, 'judgments')).toEqual([]);
});

test('ownBrowser and webgpu: false get a browser of their own, closed with the app', async () => {
  const shared = await open();
  const own = await open({ ownBrowser: true });
  const noGpu = await open({ webgpu: false });
  expect(own.browser).not.toBe(shared.browser);
  expect(noGpu.browser).not.toBe(shared.browser);
  expect(
    await noGpu.page.evaluate(async () => (await navigator.gpu?.requestAdapter()) ?? null),
  ).toBeNull();
  await own.close();
  apps = apps.filter((a) => a !== own);
  expect(own.browser.isConnected()).toBe(false);
  expect(shared.browser.isConnected()).toBe(true);
});

test('a shared browser that was closed or crashed is replaced for the next app', async () => {
  const first = await open();
  await first.browser.close();
  apps = apps.filter((a) => a !== first);
  const next = await open();
  expect(next.browser).not.toBe(first.browser);
  expect(next.browser.isConnected()).toBe(true);
  expect(await next.page.locator('h1').first().textContent()).toBeTruthy();
});
