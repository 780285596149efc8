// Benchmark page for bench/engine.mjs: bare wllama in the page vs the same generation through Arbiter's llama.cpp engine.
// Served by a Vite dev server (mode "benchmark", cross-origin isolated); the Node script calls window.arbiterBench.
import { Wllama } from '@wllama/wllama';
import wasmUrl from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import { GGUF_CACHE } from '../../src/lib/engine/cache';
import { planSeed, seedModel } from '../../src/lib/engine/model-files';
import type { ModelSpec } from '../../src/lib/engine/types';
import { createWllamaEngine } from '../../src/lib/engine/wllama-engine';
import { STREAM_PACE } from '../../src/lib/run/judge-flow';
import { writeTinyGguf, type TinyGgufOptions } from '../../tests/support/gguf-writer';

export interface GenStats {
  /** Request to first streamed text, ms (as the page sees it). */
  ttftMs: number;
  /** Completion tokens after the first, per second of wall time after the first. */
  tokensPerS: number;
  tokens: number;
  /** llama.cpp's own decode rate (its timings), free of the page's and the worker's costs. */
  engineTokensPerS?: number | null;
}

const messages = [
  { role: 'system' as const, content: 'You are a careful judge of answers.' },
  {
    role: 'user' as const,
    content:
      'Question: what is the capital of France? Answer A: Paris. Answer B: Lyon. Which answer is better? Explain briefly, then give [[A]] or [[B]].',
  },
];

let model: Blob | null = null;
let bare: Wllama | null = null;
let engine: ReturnType<typeof createWllamaEngine> | null = null;
let spec: ModelSpec | null = null;
const out = document.getElementById('out') as HTMLElement;

async function memoryMB(): Promise<number | null> {
  const m = (performance as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> })
    .measureUserAgentSpecificMemory;
  if (!crossOriginIsolated || !m) return null;
  return Math.round((await m.call(performance)).bytes / 2 ** 20);
}

const api = {
  isolated: () => crossOriginIsolated,
  /** Write the model once; returns its size in bytes. */
  makeModel(opts: TinyGgufOptions): number {
    model = new Blob([writeTinyGguf(opts) as BlobPart]);
    return model.size;
  },
  async bareLoad(threads: number): Promise<number> {
    await bare?.exit();
    const t0 = performance.now();
    bare = new Wllama({ default: wasmUrl }, { suppressNativeLog: true });
    await bare.loadModel([model as Blob], {
      n_ctx: 2048,
      n_threads: threads,
      n_gpu_layers: 0,
      n_parallel: 1,
    });
    return performance.now() - t0;
  },
  async bareGenerate(maxTokens: number): Promise<GenStats> {
    const t0 = performance.now();
    let first = 0;
    let tokens = 0;
    const chunks = await (bare as Wllama).createChatCompletion({
      messages,
      max_tokens: maxTokens,
      temperature: 0,
      seed: 1,
      ignore_eos: true,
      stream: true,
    });
    for await (const c of chunks) {
      if (c.choices[0]?.delta.content) {
        first ||= performance.now();
        tokens = c.usage?.completion_tokens ?? tokens + 1;
      }
      if (c.usage) tokens = c.usage.completion_tokens;
    }
    const end = performance.now();
    return { ttftMs: first - t0, tokensPerS: ((tokens - 1) * 1000) / (end - first), tokens };
  },
  async bareExit(): Promise<void> {
    await bare?.exit();
    bare = null;
  },
  /** Store the model as "Model from files" does; returns ms. */
  async store(): Promise<number> {
    await caches.delete(GGUF_CACHE);
    const t0 = performance.now();
    const blob = model as Blob;
    const plan = await planSeed([{ path: 'bench.gguf', size: blob.size, blob: () => blob }]);
    await seedModel(plan);
    spec = plan.spec;
    return performance.now() - t0;
  },
  /** Load through Arbiter's engine (worker, protocol) from the cache; returns ms. */
  async arbiterLoad(): Promise<number> {
    engine?.dispose();
    engine = createWllamaEngine();
    const t0 = performance.now();
    await engine.load(spec as ModelSpec);
    return performance.now() - t0;
  },
  /**
   * The same generation through Arbiter: worker, protocol, streaming at the Judge page's pace
   * (STREAM_PACE, not the 400-character default) and a render of each message.
   */
  async arbiterGenerate(maxTokens: number): Promise<GenStats> {
    out.textContent = '';
    const t0 = performance.now();
    let first = 0;
    const r = await (engine as NonNullable<typeof engine>).generate(
      { messages, max_tokens: maxTokens, temperature: 0, seed: 1 },
      {
        onToken: (d) => {
          first ||= performance.now();
          out.append(d.delta);
        },
        pace: STREAM_PACE,
      },
    );
    const end = performance.now();
    const tokens = r.usage.completionTokens;
    return {
      ttftMs: first - t0,
      tokensPerS: ((tokens - 1) * 1000) / (end - first),
      tokens,
      engineTokensPerS: r.usage.decodeTokensPerS,
    };
  },
  memoryMB,
};

(window as unknown as { arbiterBench: typeof api }).arbiterBench = api;
(document.getElementById('status') as HTMLElement).textContent = 'Ready';
