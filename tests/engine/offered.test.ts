// The picker's offered models: test models first, then the catalogs' (web-llm's that fit the device, GGUF), then custom ones; and the recommendation.
import { describe, expect, test } from 'vitest';
import { modelsForDevice } from '../../src/lib/engine/catalog';
import type { DeviceInfo } from '../../src/lib/engine/device';
import { GGUF_CATALOG, type GgufCatalogEntry } from '../../src/lib/engine/gguf-catalog';
import { offeredModels, recommendGguf, recommendOffered } from '../../src/lib/engine/offered';
import type { ModelSpec } from '../../src/lib/engine/types';

const GiB = 1024 ** 3;
const device: DeviceInfo = {
  webgpu: true,
  reason: null,
  vendor: 'nvidia',
  architecture: 'ampere',
  description: '',
  isFallbackAdapter: false,
  shaderF16: true,
  maxBufferSize: 2 * GiB,
  maxStorageBufferBindingSize: 2 * GiB,
};
const model = (modelId: string): ModelSpec => ({
  modelId,
  modelUrl: `https://example.org/${modelId}/`,
  modelLibUrl: `https://example.org/${modelId}.wasm`,
  contextWindow: 4096,
  thinking: false,
});

describe('offeredModels', () => {
  test('orders test, catalog and custom models, each labelled', () => {
    const offered = offeredModels([model('test-judge')], device, [model('mine')]);
    const catalog = modelsForDevice(device);
    expect(catalog.length).toBeGreaterThan(0);
    expect(offered).toHaveLength(catalog.length + 2);
    expect(offered[0]).toMatchObject({ label: 'test-judge', entry: null, test: true });
    expect(offered[1]).toMatchObject({ label: catalog[0]?.label, entry: catalog[0], test: false });
    expect(offered.at(-1)).toMatchObject({ label: 'mine (custom)', entry: null, test: false });
  });

  test('no device yet: only the test and custom models', () => {
    expect(offeredModels([], null, [model('mine')]).map((m) => m.spec.modelId)).toEqual(['mine']);
  });

  test("offers the GGUF catalog beside web-llm's, with or without WebGPU, test entries first", () => {
    const tiny: GgufCatalogEntry = {
      modelId: 'tiny',
      label: 'Tiny',
      url: 'http://127.0.0.1:9/models/tiny.gguf',
      approxMB: 1,
      quantization: 'F32',
      contextWindow: 4096,
      license: 'MIT',
      thinking: false,
      chunkBytes: 1024,
    };
    const gguf = { catalog: GGUF_CATALOG, test: [tiny] };
    const withGpu = offeredModels([], device, [model('mine')], gguf);
    const catalog = modelsForDevice(device);
    expect(withGpu).toHaveLength(1 + catalog.length + GGUF_CATALOG.length + 1);
    expect(withGpu[0]).toMatchObject({ label: 'Tiny', gguf: tiny, entry: null, test: true });
    expect(withGpu[0]?.spec).toMatchObject({
      engine: 'wllama',
      ggufFiles: [tiny.url],
      ggufChunkBytes: 1024,
      modelUrl: 'http://127.0.0.1:9/models/',
    });
    const real = withGpu.slice(1 + catalog.length, -1);
    expect(real.map((m) => m.gguf)).toEqual([...GGUF_CATALOG]);
    for (const m of real) expect(m).toMatchObject({ entry: null, test: false });
    expect(real[0]?.spec.ggufChunkBytes).toBeUndefined();

    const noGpu = offeredModels([], { ...device, webgpu: false }, [], gguf);
    expect(noGpu.map((m) => m.spec.modelId)).toEqual([
      'tiny',
      ...GGUF_CATALOG.map((e) => e.modelId),
    ]);
    // Before the device is known, only the test build's entries.
    expect(offeredModels([], null, [], gguf).map((m) => m.spec.modelId)).toEqual(['tiny']);
  });
});

describe('recommendOffered', () => {
  test("web-llm's pick where WebGPU works, a GGUF judge for llama.cpp without it", () => {
    expect(recommendOffered(device)?.entry.modelId).toMatch(/-MLC$/);
    const cpu = recommendOffered({ ...device, webgpu: false });
    expect(cpu?.entry.modelId).toBe('Qwen2.5-1.5B-Instruct-Q4_K_M-GGUF');
    expect(cpu?.reason).toMatch(/Without WebGPU, llama\.cpp .*about 1\.1 GB to download/);
    expect(recommendOffered(null)).toBeNull();
  });

  test('the smallest GGUF judge where the browser reports little memory, none outside the catalog', () => {
    const small = recommendGguf(4);
    expect(small?.entry.modelId).toBe('Qwen2.5-0.5B-Instruct-Q4_K_M-GGUF');
    expect(small?.reason).toMatch(/about 490 MB to download/);
    expect(recommendGguf(8)?.entry.modelId).toBe('Qwen2.5-1.5B-Instruct-Q4_K_M-GGUF');
    expect(recommendGguf(8, [])).toBeNull();
    // Every GGUF the catalog could recommend is in it.
    for (const mem of [2, 8]) {
      const id = recommendGguf(mem)?.entry.modelId;
      expect(GGUF_CATALOG.some((e) => e.modelId === id)).toBe(true);
    }
  });
});
