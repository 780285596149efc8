// Real web-llm in the real worker reads seeded files from its caches under the keys we wrote, without a request.
import { afterEach, expect, it } from 'vitest';
import { WEBLLM_CACHES } from '../../src/lib/engine/cache';
import { planSeed, seedModel, type ModelFile } from '../../src/lib/engine/model-files';
import type { ModelSpec } from '../../src/lib/engine/types';
import { WebLLMEngine } from '../../src/lib/engine/webllm-engine';
import { fakeModelFiles } from '../support/fake-model';

// Port 9 refuses connections at once: any file web-llm had to fetch instead of reading it from the cache
// would end the load in a NetworkError.
const spec: ModelSpec = {
  modelId: 'Seeded-q4f32_1-MLC',
  modelUrl: 'http://127.0.0.1:9/models/seeded/',
  modelLibUrl: 'http://127.0.0.1:9/libs/Seeded-q4f32_1-webgpu.wasm',
  contextWindow: 4096,
  thinking: false,
};

let engine: WebLLMEngine | null = null;
afterEach(async () => {
  engine?.dispose();
  engine = null;
  for (const c of WEBLLM_CACHES) await caches.delete(c);
});

it('web-llm takes the seeded config and library from the cache (no fetch) and fails only when the fake library is instantiated', async () => {
  const files: ModelFile[] = fakeModelFiles({ libName: 'Seeded-q4f32_1-webgpu.wasm' }).map((f) => {
    const blob = new Blob([f.bytes as Uint8Array<ArrayBuffer>]);
    return { path: f.path, size: blob.size, blob: () => blob };
  });
  await seedModel(await planSeed(files, { target: spec }));
  engine = new WebLLMEngine();
  const phases: string[] = [];
  const err = await engine.load(spec, { onProgress: (p) => phases.push(p.phase) }).then(
    () => null,
    (e: unknown) => e as Error,
  );
  console.log('load of a seeded fake model ended with', err?.name, err?.message.slice(0, 160));
  expect(err).toBeInstanceOf(Error);
  // Not a download failure: web-llm found mlc-chat-config.json and the .wasm where we put them.
  expect(err?.name).not.toBe('NetworkError');
  expect(err?.message ?? '').not.toMatch(/127\.0\.0\.1:9/);
}, 60_000);

it('control: the same load with the library missing from the cache has to fetch it, and fails as NetworkError', async () => {
  const files: ModelFile[] = fakeModelFiles({ libName: 'Seeded-q4f32_1-webgpu.wasm' }).map((f) => {
    const blob = new Blob([f.bytes as Uint8Array<ArrayBuffer>]);
    return { path: f.path, size: blob.size, blob: () => blob };
  });
  await seedModel(await planSeed(files, { target: spec }));
  await (await caches.open('webllm/wasm')).delete(spec.modelLibUrl);
  engine = new WebLLMEngine();
  const err = await engine.load(spec).then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(err?.name).toBe('NetworkError');
}, 60_000);
