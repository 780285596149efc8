// E2E with a real model: a generated GGUF added from files and judged by llama.cpp (wllama) in a browser without WebGPU.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, readStore, type E2EPage } from './support/browser';
import { fillPair, waitForSaved } from './support/judge-page';
import { writeTinyGguf } from '../support/gguf-writer';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbiter-gguf-'));
});
afterEach(async () => {
  await app?.close();
  app = undefined;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function ggufFile(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

async function addFiles(page: Page, paths: string[]): Promise<void> {
  await page.getByTestId('local-files-input').setInputFiles(paths);
}

test('without WebGPU, a GGUF from files loads in llama.cpp and judges a pair in both orders', async () => {
  app = await openApp(baseURL, { path: '#/models', webgpu: false });
  const { page } = app;
  await page.getByTestId('cpu-engine-note').waitFor();
  await addFiles(page, [await ggufFile('tiny-judge.gguf', writeTinyGguf())]);
  const stored = page.getByTestId('local-stored');
  await stored.waitFor();
  expect(await stored.textContent()).toMatch(/tiny-judge/);
  // Listed in the cache manager beside web-llm's models, complete.
  await expect.poll(() => page.getByTestId('cache-panel').textContent()).toMatch(/tiny-judge/);
  await stored.getByRole('button', { name: 'Load it now' }).click();
  await page.getByTestId('model-ready').waitFor();

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
    modelId: 'tiny-judge',
  });
  const judgments = await readStore<{
    runId: string;
    order: string;
    text: string;
    usage: { completionTokens: number };
  }>(page, 'judgments');
  const mine = judgments.filter((j) => j.runId === run.id);
  expect(mine.map((j) => j.order).sort()).toEqual(['AB', 'BA']);
  // Real generations: llama.cpp counted the tokens it produced.
  for (const j of mine) expect(j.usage.completionTokens).toBeGreaterThan(0);
  expect(app.errors).toEqual([]);
});

test('Model from files names what is wrong with a truncated, a non-GGUF and an unsupported GGUF, and a missing split part', async () => {
  app = await openApp(baseURL, { path: '#/models', webgpu: false });
  const { page } = app;
  const panel = page.getByTestId('local-models');
  await panel.waitFor();
  const error = panel.locator('[role=alert]');
  const good = writeTinyGguf();

  await addFiles(page, [await ggufFile('cut.gguf', good.slice(0, good.length - 1000))]);
  await expect.poll(() => error.getAttribute('data-error-name')).toBe('GgufTruncatedError');

  await addFiles(page, [await ggufFile('notes.gguf', new TextEncoder().encode('not a model'))]);
  await expect.poll(() => error.getAttribute('data-error-name')).toBe('NotGgufError');

  await addFiles(page, [
    await ggufFile('odd.gguf', writeTinyGguf({ architecture: 'no-such-arch' })),
  ]);
  await expect
    .poll(() => error.getAttribute('data-error-name'))
    .toBe('UnsupportedArchitectureError');

  await addFiles(page, [
    await ggufFile('split-00001-of-00002.gguf', writeTinyGguf({ split: { no: 0, count: 2 } })),
  ]);
  await expect.poll(() => error.getAttribute('data-error-name')).toBe('MissingSplitPartError');

  // Nothing of the broken files was stored.
  const stored = await page.evaluate(async () =>
    (await (await caches.open('arbiter/gguf')).keys()).map((r) => r.url),
  );
  expect(stored).toEqual([]);
});
