// Launches Debian's Chromium through playwright-core for e2e tests and collects page errors.
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../support/chromium.ts';

export interface E2EPage {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, for tests that assert the app stayed healthy. */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh browser profile per call, so IndexedDB and caches start empty. */
export async function openApp(
  baseURL: string,
  opts: { webgpu?: boolean; path?: string; context?: BrowserContextOptions } = {},
): Promise<E2EPage> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs({ webgpu: opts.webgpu ?? true }),
  });
  const context = await browser.newContext(opts.context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(new URL(opts.path ?? '/', baseURL).href);
  return {
    browser,
    context,
    page,
    errors,
    close: () => browser.close(),
  };
}

/** Every record of one object store of the app's database, read in the page (the real IndexedDB). */
export function readStore<T = Record<string, unknown>>(page: Page, store: string): Promise<T[]> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('arbiter');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    try {
      return await new Promise<T[]>((res, rej) => {
        const r = db.transaction(name).objectStore(name).getAll();
        r.onsuccess = () => res(r.result as T[]);
        r.onerror = () => rej(r.error);
      });
    } finally {
      db.close();
    }
  }, store);
}
