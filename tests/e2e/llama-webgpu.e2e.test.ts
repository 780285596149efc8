// E2E: the device panel on Chromium's software WebGPU adapter says why GGUF models stay on the CPU (no shader-f16 for llama.cpp's WebGPU backend).
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, type E2EPage } from './support/browser';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

test('no shader-f16: no WebGPU choice for llama.cpp, and the reason said', async () => {
  app = await openApp(baseURL, { path: '/#/models' });
  const { page } = app;
  await expect
    .poll(() => page.getByTestId('shader-f16').textContent(), { timeout: 20_000 })
    .toMatch(/^No/);
  const note = (await page.getByTestId('llama-webgpu-unavailable').textContent()) ?? '';
  expect(note.replace(/\s+/g, ' ')).toMatch(
    /llama\.cpp's WebGPU backend needs 16-bit shaders \(shader-f16\), which this adapter lacks/,
  );
  expect(await page.getByTestId('llama-webgpu').count()).toBe(0);
  expect(app.errors).toEqual([]);
});
