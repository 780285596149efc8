// Opens the app in Chromium (through playwright-core) for e2e tests: one browser per e2e worker, a fresh context per test, page errors collected.
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

const launch = (webgpu: boolean): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs({ webgpu }) });

/**
 * The browser this e2e worker shares across its test files (the project runs with `isolate:
 * false`, so this module and its browser outlive a file). A launch costs ~1.2 CPU-s and a fresh
 * context ~1 CPU-s, so one launch per worker instead of one per file (38 files) saved ~45 CPU-s of
 * a ~500 CPU-s project. Launched on first use; playwright closes it when the worker exits. A
 * browser that crashed or was closed is replaced, so one file's accident does not fail the next.
 */
let shared: Promise<Browser> | undefined;

function sharedBrowser(): Promise<Browser> {
  const current = (shared ??= launch(true));
  const replace = (): Promise<Browser> => {
    if (shared === current || shared === undefined) shared = launch(true);
    return shared;
  };
  return current.then((b) => (b.isConnected() ? b : replace()), replace);
}

/**
 * The app in a fresh browser context, so IndexedDB, caches, service workers and permissions start
 * empty and nothing is shared with other tests. `ownBrowser` launches a browser for this test
 * alone, for what a context does not isolate: browser-wide CDP overrides, or Chromium's flags
 * (`webgpu: false` always gets its own browser).
 *
 * `serviceWorker: true` lets the app register its service worker. Without it the context blocks
 * service workers: in a fresh context the worker precaches the whole shell (web-llm's and
 * llama.cpp's chunks, about 20 MB) on every visit, about 0.75 CPU-s per test, and whether it
 * controls the page by the time a test fetches something is a race the test never waits for, so
 * only tests about offline use, fetches and egress (which wait for it or watch its traffic) ask.
 */
export async function openApp(
  baseURL: string,
  opts: {
    webgpu?: boolean;
    path?: string;
    context?: BrowserContextOptions;
    ownBrowser?: boolean;
    serviceWorker?: boolean;
  } = {},
): Promise<E2EPage> {
  const webgpu = opts.webgpu ?? true;
  const own = opts.ownBrowser === true || !webgpu;
  const browser = own ? await launch(webgpu) : await sharedBrowser();
  const context = await browser.newContext({
    serviceWorkers: opts.serviceWorker === true ? 'allow' : 'block',
    ...opts.context,
  });
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
    close: () => (own ? browser.close() : context.close()),
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
