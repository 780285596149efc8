// E2E: device check, model catalog for this device, loading with progress, and a failed download, in real Chromium.
import { afterEach, describe, expect, inject, test } from 'vitest';
import { openApp, type E2EPage } from './support/browser';
import { chooseModel } from './support/judge-page';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('with WebGPU (SwiftShader here, a real GPU elsewhere)', () => {
  test('reports the adapter it has, offers the models it can run and recommends one', async () => {
    app = await openApp(baseURL, { path: '/#/models', serviceWorker: true });
    const { page } = app;
    // What the page's own adapter is, asked the same way the app asks.
    const gpu = await page.evaluate(async () => {
      const a = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
      const info = a?.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
      const names = `${info?.vendor} ${info?.architecture} ${info?.description} ${info?.device}`;
      return {
        software:
          Boolean(info?.isFallbackAdapter) ||
          /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|warp/i.test(names),
        f16: a?.features.has('shader-f16') ?? false,
      };
    });
    await expect
      .poll(() => page.getByTestId('adapter-kind').textContent())
      .toContain(gpu.software ? 'Software' : 'Hardware GPU');
    expect(await page.getByTestId('device-summary').textContent()).toMatch(
      gpu.software ? /software adapter/i : /WebGPU on/,
    );
    expect((await page.getByTestId('adapter-name').textContent())?.trim()).not.toBe('');
    expect(await page.getByTestId('shader-f16').textContent()).toMatch(gpu.f16 ? /^Yes/ : /^No/);

    const rows = page.getByTestId('model-row');
    const ids = (
      await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-model-id')))
    ).filter((id): id is string => id !== null && !id.startsWith('arbiter-test'));
    expect(ids.length).toBeGreaterThan(5);
    // f16 models only where the adapter has 16-bit shaders.
    expect(ids.some((id) => /q4f16/.test(id))).toBe(gpu.f16);

    const rec = await page.getByTestId('recommendation').textContent();
    expect(rec).toMatch(/Recommended for this device/);
    expect(rec).toMatch(gpu.f16 ? /q4f16|q4f32/ : /q4f32/);
    const recommended = page.locator('[data-testid=model-row]:has(.rec)');
    expect(await recommended.count()).toBe(1);
    expect(rec).toContain((await recommended.getAttribute('data-model-id')) ?? 'missing');
    // Every row says what it costs: download, GPU memory, context and thinking.
    expect(await recommended.textContent()).toMatch(/≈ \d.*(MB|GB).*(MB|GB).*\dK.*(yes|no)/);
    expect(app.errors).toEqual([]);
  });

  test('loads a model with phased progress and runs a test prompt with its speed', async () => {
    app = await openApp(baseURL, { path: '/#/models', serviceWorker: true });
    const { page } = app;
    await chooseModel(page, 'arbiter-test-judge');
    await page.getByTestId('load-model').click();
    await expect.poll(() => page.getByTestId('load-progress').textContent()).toMatch(/Downloading/);
    await page.getByTestId('model-ready').waitFor();
    expect(await page.getByTestId('load-progress').textContent()).toMatch(/Compiling/);
    expect(await page.getByTestId('model-status').textContent()).toContain('arbiter-test-judge');
    await page.getByTestId('test-prompt').click();
    await expect
      .poll(() => page.getByTestId('test-speed').textContent())
      .toMatch(/tok\/s\s+decode/);
  });

  test('a download from an unreachable URL fails clearly within 30 s, leaves no cache entry, and the app stays usable', async () => {
    app = await openApp(baseURL, { path: '/#/models', serviceWorker: true });
    const { page } = app;
    const modelUrl = 'http://127.0.0.1:9/models/Unreachable-q4f32_1-MLC/';
    await page.getByRole('button', { name: 'Custom model…' }).click();
    await page.getByLabel('Model folder URL').fill(modelUrl);
    await page
      .getByLabel('Model library URL (.wasm)')
      .fill('http://127.0.0.1:9/libs/Unreachable-q4f32_1-webgpu.wasm');
    await page.getByRole('button', { name: 'Add model' }).click();
    expect(
      await page.locator('input[name=model][value="Unreachable-q4f32_1-MLC"]').isChecked(),
    ).toBe(true);

    const started = Date.now();
    await page.getByTestId('load-model').click();
    const alert = page.locator('[role=alert][data-error-name]');
    await alert.waitFor({ timeout: 30_000 });
    const elapsed = Date.now() - started;
    console.log(`unreachable model load failed after ${elapsed} ms`);
    expect(await alert.getAttribute('data-error-name')).toBe('NetworkError');
    expect(await alert.textContent()).toMatch(/retry/i);

    const leftovers = await page.evaluate(async (prefix) => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        for (const req of await (await caches.open(name)).keys()) {
          if (req.url.startsWith(prefix) || req.url.includes('Unreachable')) urls.push(req.url);
        }
      }
      return urls;
    }, 'http://127.0.0.1:9/');
    expect(leftovers).toEqual([]);

    // Still usable: another model loads after the failure.
    await chooseModel(page, 'arbiter-test-judge');
    await page.getByTestId('load-model').click();
    await page.getByTestId('model-ready').waitFor();
  });
});

describe('without WebGPU', () => {
  test('says WebGPU is missing and what to do', async () => {
    app = await openApp(baseURL, { path: '/#/models', webgpu: false, serviceWorker: true });
    const { page } = app;
    const msg = page.getByTestId('no-webgpu');
    await msg.waitFor();
    expect(await msg.textContent()).toMatch(/Chrome or Edge 113/);
    expect(await page.getByTestId('model-status').textContent()).toContain('No WebGPU');
  });
});
