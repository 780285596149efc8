// The real worker with real web-llm in Chromium: device query, failed loads end in named errors and leave no poisoned cache.
import { afterEach, describe, expect, it } from 'vitest';
import { WEBLLM_CACHES, cachedModel } from '../../src/lib/engine/cache';
import {
  AbortedError,
  ModelFilesInvalidError,
  ModelNotLoadedError,
  NetworkError,
} from '../../src/lib/engine/errors';
import type { LoadProgress, ModelSpec } from '../../src/lib/engine/types';
import { resolvedModelUrl } from '../../src/lib/engine/webllm-adapt';
import { WebLLMEngine } from '../../src/lib/engine/webllm-engine';

// Port 9 (discard) is closed here: connections are refused at once, as with a dead server.
const unreachable: ModelSpec = {
  modelId: 'Unreachable-q4f32_1-MLC',
  modelUrl: 'http://127.0.0.1:9/models/x/',
  modelLibUrl: 'http://127.0.0.1:9/libs/x-webgpu.wasm',
  contextWindow: 4096,
  thinking: false,
};

const engines: WebLLMEngine[] = [];
function engine() {
  const e = new WebLLMEngine();
  engines.push(e);
  return e;
}

afterEach(async () => {
  for (const e of engines.splice(0)) e.dispose();
  for (const c of WEBLLM_CACHES) await caches.delete(c);
});

async function keysUnder(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of WEBLLM_CACHES) {
    for (const r of await (await caches.open(name)).keys())
      if (r.url.startsWith(prefix)) out.push(`${name} ${r.url}`);
  }
  return out;
}

describe('WebLLMEngine with the real worker', () => {
  it('answers the device query from inside the worker', async () => {
    const t0 = performance.now();
    const d = await engine().device();
    console.log(`worker device query: ${Math.round(performance.now() - t0)} ms`, JSON.stringify(d));
    // The worker sees the same adapter as the page, whichever it is.
    const { queryDevice } = await import('../../src/lib/engine/device');
    const main = await queryDevice();
    expect(d).toMatchObject({
      webgpu: true,
      isFallbackAdapter: main.isFallbackAdapter,
      shaderF16: main.shaderF16,
    });
  }, 60_000);

  it('a load from an unreachable URL ends in NetworkError quickly and leaves nothing cached', async () => {
    const e = engine();
    const phases: LoadProgress['phase'][] = [];
    const cold = performance.now();
    await e.device(); // start the worker and import web-llm first, so the timing below is the load alone
    const coldMs = performance.now() - cold;
    const t0 = performance.now();
    const err = await e
      .load(unreachable, { onProgress: (p) => phases.push(p.phase) })
      .catch((x: unknown) => x);
    const ms = performance.now() - t0;
    console.log(
      `worker start ${Math.round(coldMs)} ms; unreachable load failed after ${Math.round(ms)} ms:`,
      err,
    );
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).hint).toMatch(/connection/);
    expect(phases[0]).toBe('checking');
    expect(e.loaded).toBeNull();
    expect(await keysUnder('http://127.0.0.1:9/')).toEqual([]);
    // The engine survives a failed load and still answers.
    await expect(e.generate({ messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      ModelNotLoadedError,
    );
    expect((await e.device()).webgpu).toBe(true);
  }, 40_000);

  it('a poisoned cached config (an HTML page, web-llm #289) fails as ModelFilesInvalidError and is purged', async () => {
    const base = resolvedModelUrl(unreachable.modelUrl);
    const config = await caches.open('webllm/config');
    await config.put(
      base + 'mlc-chat-config.json',
      new Response('<!doctype html><title>app</title>', {
        headers: { 'content-type': 'text/html' },
      }),
    );
    const err = await engine()
      .load(unreachable)
      .catch((x: unknown) => x);
    console.log('poisoned config:', err);
    expect(err).toBeInstanceOf(ModelFilesInvalidError);
    expect((err as ModelFilesInvalidError).detail.purgedEntries).toBe(1);
    expect(await keysUnder('http://127.0.0.1:9/')).toEqual([]);
  }, 40_000);

  it('a network failure keeps files already downloaded, so the next try resumes', async () => {
    const base = resolvedModelUrl(unreachable.modelUrl);
    const good = JSON.stringify({ tokenizer_files: ['tokenizer.json'], conv_template: {} });
    await (
      await caches.open('webllm/config')
    ).put(base + 'mlc-chat-config.json', new Response(good));
    // The config is read from the cache; the library fetch then fails on the closed port.
    const err = await engine()
      .load(unreachable)
      .catch((x: unknown) => x);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).detail.modelLibUrl).toBe(unreachable.modelLibUrl);
    expect((await cachedModel(unreachable)).entries).toBe(1);
  }, 40_000);

  it('a load can be aborted; the engine starts a fresh worker afterwards', async () => {
    const e = engine();
    const ctl = new AbortController();
    const p = e.load(unreachable, { signal: ctl.signal });
    ctl.abort();
    await expect(p).rejects.toBeInstanceOf(AbortedError);
    expect((await e.device()).webgpu).toBe(true);
  }, 60_000);
});
