// llama.cpp's WebGPU backend (wllama 3.13.0) on the generated GGUF in Chromium's software adapter: loads, generates, honours a grammar, matches the CPU at temperature 0.
import { afterEach, describe, expect, it } from 'vitest';
import { GGUF_CACHE } from '../../src/lib/engine/cache';
import { planSeed, seedModel, type ModelFile } from '../../src/lib/engine/model-files';
import type { ModelSpec } from '../../src/lib/engine/types';
import type { WebLLMEngine } from '../../src/lib/engine/webllm-engine';
import { createWllamaEngine } from '../../src/lib/engine/wllama-engine';
import { writeTinyGguf } from '../support/gguf-writer';

const engines: WebLLMEngine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) e.dispose();
  await caches.delete(GGUF_CACHE);
});

async function storedTinyModel(): Promise<ModelSpec> {
  const blob = new Blob([writeTinyGguf() as BlobPart]);
  const file: ModelFile = { path: 'arbiter-tiny.gguf', size: blob.size, blob: () => blob };
  const plan = await planSeed([file]);
  await seedModel(plan);
  return plan.spec;
}

async function loaded(spec: ModelSpec): Promise<WebLLMEngine> {
  const engine = createWllamaEngine();
  engines.push(engine);
  await engine.load(spec);
  return engine;
}

const ask = [
  { role: 'system' as const, content: 'You are a judge.' },
  { role: 'user' as const, content: 'Which answer is better, A or B? Reply [[A]] or [[B]].' },
];

/** The test page's adapter and whether it has 16-bit shaders, which llama.cpp's WebGPU backend needs. */
async function adapterF16(): Promise<boolean | null> {
  const gpu = (
    navigator as { gpu?: { requestAdapter(): Promise<{ features: Set<string> } | null> } }
  ).gpu;
  const adapter = await gpu?.requestAdapter();
  return adapter ? adapter.features.has('shader-f16') : null;
}

describe('llama.cpp on WebGPU', { timeout: 240_000 }, () => {
  it('loads where WebGPU is asked for, says which backend it really ran on, honours a grammar, and matches the CPU at temperature 0', async () => {
    // Chromium here runs with --enable-unsafe-webgpu: SwiftShader, which lacks shader-f16, so
    // ggml-webgpu registers no device and llama.cpp stays on the CPU (llama.cpp #23844). A
    // machine whose adapter has shader-f16 runs the same test on the GPU.
    const f16 = await adapterF16();
    expect(f16).not.toBeNull();
    const spec = await storedTinyModel();
    const req = { messages: ask, max_tokens: 24, temperature: 0, seed: 1 };
    const constrained = {
      ...req,
      response_format: { type: 'grammar' as const, grammar: 'root ::= "[[" ("A" | "B") "]]"' },
    };

    const cpu = await loaded(spec);
    expect(cpu.loaded?.calibration?.backend).toBe('cpu');
    const cpuText = (await cpu.generate(req)).text;
    cpu.dispose();

    const gpu = await loaded({ ...spec, webgpu: true });
    expect(gpu.loaded?.calibration?.backend).toBe(f16 ? 'webgpu' : 'cpu');
    expect(gpu.loaded?.calibration?.decodeTokensPerS).toBeGreaterThan(0);
    const g = await gpu.generate(req);
    expect(g.usage.completionTokens).toBeGreaterThan(0);
    expect((await gpu.generate(constrained)).text).toMatch(/^\[\[[AB]\]\]$/);
    // Greedy decoding of the same weights: the same text on either backend.
    expect(g.text).toBe(cpuText);
  });
});
