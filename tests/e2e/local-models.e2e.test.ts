// E2E: models from local files (named errors for wrong folders) and the model pack export → import round trip.
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, type E2EPage } from './support/browser';
import { fakeModelFiles, type FakeFile, type FakeModelOptions } from '../support/fake-model';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await app?.close();
  app = undefined;
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function modelFolder(name: string, files: FakeFile[]): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'arbiter-model-'));
  dirs.push(root);
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  for (const f of files) await writeFile(join(dir, f.path), f.bytes);
  return dir;
}

const fake = (o: FakeModelOptions = {}, drop: string[] = []) =>
  fakeModelFiles(o).filter((f) => !drop.includes(f.path));

/** Every entry of web-llm's caches as url → SHA-256, read in the page. */
function cacheDigests(page: Page): Promise<Record<string, string>> {
  return page.evaluate(async () => {
    const out: Record<string, string> = {};
    for (const name of ['webllm/config', 'webllm/wasm', 'webllm/model']) {
      const cache = await caches.open(name);
      for (const req of await cache.keys()) {
        const buf = await (await cache.match(req))!.arrayBuffer();
        const d = new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
        out[`${name} ${req.url}`] = [...d].map((b) => b.toString(16).padStart(2, '0')).join('');
      }
    }
    return out;
  });
}

async function pickFolder(page: Page, dir: string): Promise<void> {
  await page.getByTestId('local-folder-input').setInputFiles(dir);
}

test('a local folder with a missing or wrong file gives the named error; a good one loads as a model', async () => {
  app = await openApp(baseURL, { path: '#/models', serviceWorker: true });
  const { page } = app;
  const panel = page.getByTestId('local-models');
  await panel.waitFor();
  const error = panel.locator('[role=alert]');

  await pickFolder(
    page,
    await modelFolder('MyJudge-q4f32_1-MLC', fake({}, ['params_shard_1.bin'])),
  );
  await error.waitFor();
  expect(await error.getAttribute('data-error-name')).toBe('MissingModelFileError');
  expect(await error.textContent()).toMatch(/params_shard_1\.bin/);

  await pickFolder(
    page,
    await modelFolder('MyJudge-q4f32_1-MLC', fake({}, ['mlc-chat-config.json'])),
  );
  await expect.poll(() => error.textContent()).toMatch(/mlc-chat-config\.json is missing/);

  await pickFolder(
    page,
    await modelFolder('MyJudge-q4f32_1-MLC', fake({ libName: 'MyJudge-q4f16_1-webgpu.wasm' })),
  );
  await expect.poll(() => error.getAttribute('data-error-name')).toBe('ModelLibraryMismatchError');

  await pickFolder(page, await modelFolder('MyJudge-q4f32_1-MLC', fake({ weightsVocab: 999 })));
  await expect.poll(() => error.getAttribute('data-error-name')).toBe('ModelWeightsMismatchError');
  // A refused folder stores nothing.
  expect(Object.keys(await cacheDigests(page))).toEqual([]);

  await pickFolder(page, await modelFolder('MyJudge-q4f32_1-MLC', fake()));
  await page.getByTestId('local-stored').waitFor();
  expect(await error.count()).toBe(0);
  const keys = Object.keys(await cacheDigests(page));
  expect(keys).toHaveLength(7);
  expect(keys).toContain(
    'webllm/config https://local-models.arbiter.invalid/models/MyJudge-q4f32_1-MLC/resolve/main/mlc-chat-config.json',
  );
  // The model is offered and selected, and the cache lists it complete.
  expect(await page.locator('input[name=model][value="MyJudge-q4f32_1-MLC"]').isChecked()).toBe(
    true,
  );
  const row = page.getByTestId('cached-row').filter({ hasText: 'MyJudge-q4f32_1-MLC' });
  await row.waitFor();
  expect(await row.textContent()).not.toMatch(/incomplete/);
});

test('model pack: export a cached model to a .tar, delete it, import the pack: same files, same keys', async () => {
  app = await openApp(baseURL, { path: '#/models', serviceWorker: true });
  const { page } = app;
  await page.getByTestId('local-models').waitFor();
  // The test model's files, as a download would have left them in web-llm's caches.
  const files = fakeModelFiles({ libName: 'test.wasm' }).map((f) => ({
    path: f.path,
    bytes: [...f.bytes],
  }));
  await page.evaluate(async (list) => {
    const base = 'http://127.0.0.1/test-models/resolve/main/';
    for (const f of list) {
      const wasm = f.path.endsWith('.wasm');
      const cache = await caches.open(
        wasm ? 'webllm/wasm' : f.path === 'mlc-chat-config.json' ? 'webllm/config' : 'webllm/model',
      );
      await cache.put(
        wasm ? 'http://127.0.0.1/test.wasm' : base + f.path,
        new Response(new Uint8Array(f.bytes)),
      );
    }
  }, files);
  const before = await cacheDigests(page);
  expect(Object.keys(before)).toHaveLength(7);
  await page.reload();

  // Both test models share these URLs, so both are listed; take the exact one.
  const row = page
    .getByTestId('cached-row')
    .filter({ has: page.locator('td', { hasText: /^arbiter-test-judge$/ }) });
  await row.waitFor();
  await row.getByRole('button', { name: /Export arbiter-test-judge as a model pack/ }).click();
  const link = page.getByTestId('pack-download');
  await link.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe('arbiter-test-judge.tar');
  const root = await mkdtemp(join(tmpdir(), 'arbiter-pack-'));
  dirs.push(root);
  const tarPath = join(root, 'arbiter-test-judge.tar');
  await download.saveAs(tarPath);

  await row.getByRole('button', { name: 'Delete' }).click();
  await page.getByTestId('cache-empty').waitFor();
  expect(await cacheDigests(page)).toEqual({});

  await page.getByTestId('local-files-input').setInputFiles(tarPath);
  await page.getByTestId('local-stored').waitFor();
  expect(await page.getByTestId('local-stored').textContent()).toMatch(/arbiter-test-judge/);
  expect(await cacheDigests(page)).toEqual(before);
  // The pack named a model the app knows: no duplicate custom model was added.
  expect(await page.locator('input[name=model][value="arbiter-test-judge"]').count()).toBe(1);
  expect(app.errors).toEqual([]);
});
