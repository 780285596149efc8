// The catalog against web-llm's own prebuilt list (drift shows up here), device filtering, recommendations, custom specs.
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import {
  CATALOG,
  customModelSpec,
  estimateDownloadMB,
  modelsForDevice,
  recommendModel,
} from '../../src/lib/engine/catalog';
import { noWebGPU, type DeviceInfo } from '../../src/lib/engine/device';
import { InvalidModelSpecError } from '../../src/lib/engine/errors';

const GiB = 1024 ** 3;
const gpu = (over: Partial<DeviceInfo> = {}): DeviceInfo => ({
  webgpu: true,
  reason: null,
  vendor: 'nvidia',
  architecture: 'ampere',
  description: '',
  isFallbackAdapter: false,
  shaderF16: true,
  maxBufferSize: 2 * GiB,
  maxStorageBufferBindingSize: 2 * GiB,
  ...over,
});
// What Chromium's SwiftShader adapter reports here (see NOTES.md).
const swiftshader = gpu({
  vendor: 'google',
  architecture: 'swiftshader',
  description: 'SwiftShader Device (Subzero)',
  isFallbackAdapter: true,
  shaderF16: false,
  maxStorageBufferBindingSize: GiB,
});

describe('catalog vs prebuiltAppConfig of @mlc-ai/web-llm', () => {
  const records = new Map(prebuiltAppConfig.model_list.map((r) => [r.model_id, r]));

  it.each(CATALOG.map((e) => [e.modelId, e] as const))(
    '%s matches its prebuilt record',
    (_id, entry) => {
      const r = records.get(entry.modelId);
      expect(r, `${entry.modelId} is no longer in web-llm's prebuilt list`).toBeDefined();
      expect(entry.modelUrl).toBe(r!.model);
      expect(entry.modelLibUrl).toBe(r!.model_lib);
      expect(entry.vramMB).toBe(r!.vram_required_MB);
      expect(entry.contextWindow).toBe(r!.overrides?.context_window_size ?? 4096);
      expect(entry.lowResource).toBe(r!.low_resource_required ?? false);
      // Our required features are a superset of web-llm's.
      for (const f of r!.required_features ?? []) expect(entry.requiredFeatures).toContain(f);
    },
  );

  it('has every family asked for, in both q4f16 and q4f32', () => {
    const families = [
      'Qwen3-1.7B',
      'Qwen3-4B',
      'Qwen3-8B',
      'Qwen2.5-1.5B-Instruct',
      'Qwen2.5-3B-Instruct',
      'Qwen2.5-7B-Instruct',
      'Llama-3.1-8B-Instruct',
      'Llama-3.2-3B-Instruct',
      'Phi-3.5-mini-instruct',
      'Phi-4-mini-instruct',
      'DeepSeek-R1-Distill-Qwen-7B',
      'DeepSeek-R1-Distill-Llama-8B',
    ];
    for (const f of families) {
      const qs = CATALOG.filter((e) => e.family === f).map((e) => e.quantization);
      expect(qs, f).toEqual(expect.arrayContaining(['q4f16_1', 'q4f32_1']));
    }
    expect(new Set(CATALOG.map((e) => e.modelId)).size).toBe(CATALOG.length);
  });

  it('marks the thinking models and only them', () => {
    const thinking = new Set(CATALOG.filter((e) => e.thinking).map((e) => e.family));
    expect([...thinking].sort()).toEqual([
      'DeepSeek-R1-Distill-Llama-8B',
      'DeepSeek-R1-Distill-Qwen-7B',
      'Qwen3-1.7B',
      'Qwen3-4B',
      'Qwen3-8B',
    ]);
  });

  it('estimates download size from parameters and quantization, larger for q4f32', () => {
    // Qwen3-4B q4f16 is about 2.2 GB on Hugging Face.
    expect(estimateDownloadMB(4.02, 'q4f16_1')).toBeGreaterThan(2000);
    expect(estimateDownloadMB(4.02, 'q4f16_1')).toBeLessThan(2400);
    expect(estimateDownloadMB(4.02, 'q4f32_1')).toBeGreaterThan(
      estimateDownloadMB(4.02, 'q4f16_1'),
    );
    expect(CATALOG.every((e) => e.downloadMBEstimated && e.downloadMB > 500)).toBe(true);
  });
});

describe('modelsForDevice', () => {
  it.each([
    ['no WebGPU', noWebGPU('none'), 0, 0],
    ['GPU with shader-f16', gpu(), 13, 13],
    ['GPU without shader-f16', gpu({ shaderF16: false }), 0, 13],
    ['SwiftShader', swiftshader, 0, 13],
  ])('%s → %i q4f16 and %i q4f32 models', (_name, device, f16, f32) => {
    const list = modelsForDevice(device);
    expect(list.filter((e) => e.quantization === 'q4f16_1')).toHaveLength(f16);
    expect(list.filter((e) => e.quantization === 'q4f32_1')).toHaveLength(f32);
    expect(
      list.every((e) => device.shaderF16 || !(e.requiredFeatures ?? []).includes('shader-f16')),
    ).toBe(true);
  });
});

describe('recommendModel', () => {
  it.each([
    ['no WebGPU', noWebGPU('none'), undefined, null, false],
    ['laptop GPU with f16', gpu(), undefined, 'Qwen3-4B-q4f16_1-MLC', false],
    ['GPU without f16', gpu({ shaderF16: false }), undefined, 'Qwen3-4B-q4f32_1-MLC', false],
    [
      'small binding limit (phone)',
      gpu({ maxStorageBufferBindingSize: 128 * 1024 * 1024 }),
      undefined,
      'Qwen3-1.7B-q4f16_1-MLC',
      false,
    ],
    ['4 GB of memory', gpu(), 4, 'Qwen3-1.7B-q4f16_1-MLC', false],
    ['SwiftShader', swiftshader, undefined, 'Qwen2.5-1.5B-Instruct-q4f32_1-MLC', true],
  ])('%s', (_name, device, mem, modelId, slow) => {
    const r = recommendModel(device, mem);
    expect(r?.entry.modelId ?? null).toBe(modelId);
    if (r) {
      expect(r.slow).toBe(slow);
      expect(modelsForDevice(device)).toContain(r.entry);
      if (slow) expect(r.reason).toMatch(/slow/);
    }
  });
});

describe('customModelSpec', () => {
  const lib = 'https://example.org/libs/My-Model-q4f32_1-webgpu.wasm';

  it('takes the folder name as id and infers shader-f16 from a q4f16 id', () => {
    const s = customModelSpec({
      modelUrl: 'https://example.org/models/My-Model-q4f16_1-MLC/resolve/main/',
      modelLibUrl: lib,
    });
    expect(s.modelId).toBe('My-Model-q4f16_1-MLC');
    expect(s.requiredFeatures).toEqual(['shader-f16']);
    expect(s.contextWindow).toBe(4096);
    const t = customModelSpec({
      modelUrl: 'http://127.0.0.1:8000/m/My-q4f32_1',
      modelLibUrl: lib,
      contextWindow: 8192,
      thinking: true,
    });
    expect(t).toMatchObject({
      modelId: 'My-q4f32_1',
      contextWindow: 8192,
      thinking: true,
      requiredFeatures: [],
    });
  });

  it.each([
    ['relative model URL', { modelUrl: 'models/x/', modelLibUrl: lib }, 'modelUrl'],
    ['file: model URL', { modelUrl: 'file:///models/x/', modelLibUrl: lib }, 'modelUrl'],
    ['relative lib URL', { modelUrl: 'https://e.org/x/', modelLibUrl: '/x.wasm' }, 'modelLibUrl'],
    [
      'lib not .wasm',
      { modelUrl: 'https://e.org/x/', modelLibUrl: 'https://e.org/x.js' },
      'modelLibUrl',
    ],
    [
      'bad context window',
      { modelUrl: 'https://e.org/x/', modelLibUrl: lib, contextWindow: 10.5 },
      'contextWindow',
    ],
    ['no id derivable', { modelUrl: 'https://e.org/', modelLibUrl: lib }, 'modelId'],
  ])('rejects %s', (_name, input, field) => {
    let caught: unknown;
    try {
      customModelSpec(input);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvalidModelSpecError);
    expect((caught as InvalidModelSpecError).detail.field).toBe(field);
  });
});
