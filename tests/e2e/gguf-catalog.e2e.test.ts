// E2E: a GGUF catalog model on the Models page, downloaded from a local Range server in chunks, resumed after a cut and a Stop, loaded in llama.cpp without WebGPU, judged, listed and deleted.
import { createHash } from 'node:crypto';
import { afterEach, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, readStore, type E2EPage } from './support/browser';
import { chooseModel, fillPair, waitForSaved } from './support/judge-page';
import { writeTinyGguf } from '../support/gguf-writer';
import { startRangeServer, type RangeAction, type RangeServer } from '../support/range-server';
import type { GgufCatalogEntry } from '../../src/lib/engine/gguf-catalog';

const baseURL = inject('baseURL');
/** Real llama.cpp loads and generations take as long as the shared machine lets them. */
const REAL_MODEL = 300_000;
const CHUNK = 128 * 1024;
const ID = 'tiny-gguf-judge';
const FILE = writeTinyGguf();

let app: E2EPage | undefined;
let server: RangeServer | undefined;
afterEach(async () => {
  await app?.close();
  await server?.close();
  app = server = undefined;
});

/** The ranges a download in CHUNK-sized requests asks for, from byte `from` to the end. */
function rangesFrom(from: number): string[] {
  const out: string[] = [];
  for (let a = from; a < FILE.length; a += CHUNK) out.push(`bytes=${a}-${a + CHUNK - 1}`);
  return out;
}

/** The Models page without WebGPU, with a catalog entry pointing at the test server. */
async function openWithEntry(plan?: (n: number) => RangeAction): Promise<Page> {
  server = await startRangeServer(FILE, `${ID}.gguf`, plan);
  app = await openApp(baseURL, { path: '#/models', webgpu: false, serviceWorker: true });
  const { page } = app;
  page.setDefaultTimeout(REAL_MODEL);
  const entry: GgufCatalogEntry = {
    modelId: ID,
    label: 'Tiny GGUF judge',
    url: server.url,
    approxMB: 1,
    quantization: 'F32',
    contextWindow: 4096,
    license: 'MIT (test)',
    thinking: false,
    chunkBytes: CHUNK,
  };
  await page.evaluate(
    (json) => localStorage.setItem('arbiter.test.ggufCatalog', json),
    JSON.stringify([entry]),
  );
  await page.reload();
  await page.getByTestId('cpu-engine-note').waitFor();
  return page;
}

const row = (page: Page, id: string) =>
  page.locator(`[data-testid=model-row][data-model-id="${id}"]`);
const cachedRow = (page: Page) => page.getByTestId('cached-row').filter({ hasText: ID });

/** The stored file (whole, under its URL) and every key of the GGUF cache. */
function storedFile(page: Page, url: string): Promise<{ keys: string[]; sha: string | null }> {
  return page.evaluate(async (u) => {
    const cache = await caches.open('arbiter/gguf');
    const keys = (await cache.keys()).map((r) => r.url);
    const res = await cache.match(u);
    if (!res) return { keys, sha: null };
    const digest = await crypto.subtle.digest('SHA-256', await res.arrayBuffer());
    return {
      keys,
      sha: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join(''),
    };
  }, url);
}
const sha = createHash('sha256').update(FILE).digest('hex');

test(
  'without WebGPU the GGUF catalog is offered and recommended; one downloads in ranged chunks with progress, judges a pair, and is listed and deleted in the cache manager',
  async () => {
    const page = await openWithEntry();
    // A GGUF judge is recommended, and the catalog's rows say size, quantization, license, context, thinking.
    const recommended = page.locator('[data-testid=model-row]:has(.rec)');
    expect(await recommended.count()).toBe(1);
    expect(await recommended.getAttribute('data-model-id')).toMatch(/-GGUF$/);
    expect(await recommended.textContent()).toMatch(/llama\.cpp · CPU/);
    expect(await page.getByTestId('recommendation').textContent()).toMatch(
      /Without WebGPU, llama\.cpp/,
    );
    expect(await page.getByTestId('cpu-recommendation').textContent()).toContain(
      (await recommended.locator('label').textContent()) ?? 'missing',
    );
    expect(await row(page, 'Qwen3-0.6B-Q8_0-GGUF').textContent()).toMatch(
      /Qwen3 0\.6B.*GGUF Q8_0 · license: Apache-2\.0.*≈ \d+ MB.*CPU.*32K.*yes/s,
    );
    expect(await row(page, ID).textContent()).toMatch(/GGUF F32 · license: MIT \(test\).*4K.*no/s);

    await chooseModel(page, ID);
    expect(await page.getByTestId('load-model').textContent()).toMatch(/Download and load/);
    await page.getByTestId('load-model').click();
    await page.getByTestId('model-ready').waitFor();
    // The downloading phase with its bytes stays listed under the loaded model.
    expect(await page.getByTestId('load-progress').textContent()).toMatch(
      /Downloading\s*100%\s*\d+ KB of \d+ KB/,
    );
    expect(server?.ranges).toEqual(rangesFrom(0));
    expect(await storedFile(page, server?.url ?? '')).toEqual({ keys: [server?.url], sha });
    await expect.poll(() => cachedRow(page).textContent()).toMatch(/KB/);
    expect(await cachedRow(page).textContent()).not.toMatch(/incomplete/);
    expect(await row(page, ID).textContent()).toMatch(/loaded/);

    await fillPair(page, { prompt: 'What is 2 + 2?', a: '4', b: '5' });
    await page.getByTestId('judge').click();
    await page.getByTestId('verdict-card').waitFor();
    const run = await waitForSaved(page);
    const runs = await readStore<{ id: string; config: { engine: string; modelId: string } }>(
      page,
      'runs',
    );
    expect(runs.find((r) => r.id === run.id)?.config).toMatchObject({
      engine: 'wllama',
      modelId: ID,
    });

    await page.goto(new URL('#/models', baseURL).href);
    await cachedRow(page).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => cachedRow(page).count()).toBe(0);
    expect(await storedFile(page, server?.url ?? '')).toEqual({ keys: [], sha: null });
    expect(app?.errors).toEqual([]);
  },
  REAL_MODEL,
);

test(
  'a download cut by the network, then stopped, keeps what came: each next load asks only for the missing ranges and the model loads whole',
  async () => {
    // The 2nd request loses its connection; the 4th never gets an answer (stopped by the user).
    const page = await openWithEntry((n) => (n === 2 ? 'drop' : n === 4 ? 'hold' : 'serve'));
    await chooseModel(page, ID);
    await page.getByTestId('load-model').click();
    const alert = page.locator('[role=alert][data-error-name]');
    await alert.waitFor();
    expect(await alert.getAttribute('data-error-name')).toBe('NetworkError');
    expect(await alert.textContent()).toMatch(/kept for a retry/);
    // The first chunk is stored and listed as an incomplete download.
    await expect.poll(() => cachedRow(page).textContent()).toMatch(/incomplete/);
    expect(await row(page, ID).textContent()).toMatch(/partly downloaded/);

    await alert.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => server?.ranges.length).toBe(4);
    expect(server?.ranges.slice(2)).toEqual(rangesFrom(CHUNK).slice(0, 2));
    await page.getByTestId('cancel-load').click();
    server?.releaseHeld();
    const load = page.getByTestId('load-model');
    expect(await load.textContent()).toMatch(/Resume the download and load/);

    await load.click();
    await page.getByTestId('model-ready').waitFor();
    expect(server?.ranges).toEqual([
      ...rangesFrom(0).slice(0, 2),
      ...rangesFrom(CHUNK).slice(0, 2),
      ...rangesFrom(2 * CHUNK),
    ]);
    expect(await page.getByTestId('load-progress').textContent()).toMatch(/Downloading\s*100%/);
    // Joined into one file, byte for byte, with no chunk left behind.
    expect(await storedFile(page, server?.url ?? '')).toEqual({ keys: [server?.url], sha });
    await expect.poll(() => cachedRow(page).textContent()).not.toMatch(/incomplete/);
    expect(app?.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  },
  REAL_MODEL,
);
