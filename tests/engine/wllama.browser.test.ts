// The llama.cpp engine for real: a generated GGUF checked, stored, loaded by wllama in its worker, and judged with in Chromium.
import { afterEach, describe, expect, it } from 'vitest';
import { GGUF_CACHE, cachedModel } from '../../src/lib/engine/cache';
import { AbortedError, ModelNotLoadedError } from '../../src/lib/engine/errors';
import { planSeed, seedModel, type ModelFile } from '../../src/lib/engine/model-files';
import type { GenerateDelta, LoadProgress, ModelSpec } from '../../src/lib/engine/types';
import type { WebLLMEngine } from '../../src/lib/engine/webllm-engine';
import { createWllamaEngine } from '../../src/lib/engine/wllama-engine';
import { writeTinyGguf } from '../support/gguf-writer';

const engines: WebLLMEngine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) e.dispose();
  await caches.delete(GGUF_CACHE);
});

function file(path: string, bytes: Uint8Array): ModelFile {
  const blob = new Blob([bytes as BlobPart]);
  return { path, size: blob.size, blob: () => blob };
}

async function storedTinyModel(): Promise<ModelSpec> {
  const plan = await planSeed([file('arbiter-tiny.gguf', writeTinyGguf())]);
  await seedModel(plan);
  return plan.spec;
}

async function loaded(): Promise<{
  engine: WebLLMEngine;
  spec: ModelSpec;
  phases: LoadProgress[];
}> {
  const spec = await storedTinyModel();
  const engine = createWllamaEngine();
  engines.push(engine);
  const phases: LoadProgress[] = [];
  await engine.load(spec, { onProgress: (p) => phases.push(p) });
  return { engine, spec, phases };
}

const ask = [
  { role: 'system' as const, content: 'You are a judge.' },
  { role: 'user' as const, content: 'Which answer is better, A or B? Reply [[A]] or [[B]].' },
];

// Real llama.cpp inference on the CPU: budgets fit for a busy 2-core machine (the browser default is 15 s).
const REAL_MODEL = { timeout: 120_000 };

describe('llama.cpp engine (wllama) with a generated GGUF', REAL_MODEL, () => {
  it('stores the file as a complete llama.cpp model and loads it with phases', async () => {
    const { engine, spec, phases } = await loaded();
    expect(spec).toMatchObject({ engine: 'wllama', modelId: 'arbiter-tiny', contextWindow: 4096 });
    expect((await cachedModel(spec)).complete).toBe(true);
    expect(engine.kind).toBe('wllama');
    expect(engine.loaded?.spec.modelId).toBe('arbiter-tiny');
    expect(phases.map((p) => p.phase)).toEqual([
      'checking',
      'loading-from-cache',
      'loading-from-cache',
      'ready',
    ]);
    expect(phases.at(-1)?.totalBytes).toBe(writeTinyGguf().length);
    // Measured by llama.cpp on this machine right after the load, never guessed.
    expect(engine.loaded?.calibration?.decodeTokensPerS).toBeGreaterThan(0);
    // Vitest's page is not cross-origin isolated: one thread, and the engine says why.
    expect(engine.loaded?.calibration).toMatchObject({ threads: 1, isolated: false });
  });

  it('streams a generation and reports usage counted by llama.cpp', async () => {
    const { engine } = await loaded();
    const deltas: GenerateDelta[] = [];
    const r = await engine.generate(
      { messages: ask, max_tokens: 24, temperature: 0, seed: 1 },
      { onToken: (d) => deltas.push(d), pace: { minChars: 1, maxWaitMs: 0 } },
    );
    expect(r.usage.completionTokens).toBeGreaterThan(0);
    expect(r.usage.completionTokens).toBeLessThanOrEqual(24);
    expect(r.usage.promptTokens).toBeGreaterThan(10);
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.at(-1)?.text).toBe(r.text);
  });

  it('honours a GBNF grammar: the verdict always parses', async () => {
    const { engine } = await loaded();
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = await engine.generate({
        messages: ask,
        max_tokens: 16,
        temperature: 1,
        seed,
        response_format: { type: 'grammar', grammar: 'root ::= "[[" ("A" | "B" | "C") "]]"' },
      });
      expect(r.text).toMatch(/^\[\[[ABC]\]\]$/);
    }
  });

  it('Stop ends a generation at once and the engine judges again after it', async () => {
    const { engine } = await loaded();
    const stop = new AbortController();
    let first: (() => void) | null = null;
    const started = new Promise<void>((r) => (first = r));
    const long = engine.generate(
      { messages: ask, max_tokens: 4000, temperature: 1, seed: 7 },
      {
        signal: stop.signal,
        pace: { minChars: 1, maxWaitMs: 0 },
        onToken: () => first?.(),
      },
    );
    await started;
    stop.abort();
    await expect(long).rejects.toBeInstanceOf(AbortedError);
    const again = await engine.generate({ messages: ask, max_tokens: 8, temperature: 0, seed: 1 });
    expect(again.usage.completionTokens).toBeGreaterThan(0);
  });

  it('refuses to generate before a load', async () => {
    const engine = createWllamaEngine();
    engines.push(engine);
    await expect(engine.generate({ messages: ask })).rejects.toBeInstanceOf(ModelNotLoadedError);
  });
});

describe('llama.cpp engine: constrained JSON verdicts', REAL_MODEL, () => {
  it('a verdict JSON schema becomes a grammar: every output parses within the budget', async () => {
    const { engine } = await loaded();
    const schema = JSON.stringify({
      type: 'object',
      properties: {
        reasoning: { type: 'string' },
        verdict: { type: 'string', enum: ['A', 'B', 'tie'] },
      },
      required: ['reasoning', 'verdict'],
      additionalProperties: false,
    });
    for (const seed of [1, 2, 3]) {
      const r = await engine.generate({
        messages: ask,
        max_tokens: 120,
        temperature: 1,
        seed,
        response_format: { type: 'json_object', schema },
      });
      const parsed = JSON.parse(r.text) as { reasoning: string; verdict: string };
      expect(['A', 'B', 'tie']).toContain(parsed.verdict);
      expect(r.usage.completionTokens).toBeLessThanOrEqual(120);
    }
  });
});
