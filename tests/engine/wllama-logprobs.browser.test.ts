// Logprob-weighted verdicts on llama.cpp for real: the generated GGUF in wllama's worker, the letter grammar, post-sampling probabilities.
import { afterEach, describe, expect, it } from 'vitest';
import { GGUF_CACHE } from '../../src/lib/engine/cache';
import { planSeed, seedModel, type ModelFile } from '../../src/lib/engine/model-files';
import type { WebLLMEngine } from '../../src/lib/engine/webllm-engine';
import { createWllamaEngine } from '../../src/lib/engine/wllama-engine';
import { getTemplate, judgeItem, type Template } from '../../src/lib/judge';
import { writeTinyGguf } from '../support/gguf-writer';

const engines: WebLLMEngine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) e.dispose();
  await caches.delete(GGUF_CACHE);
});

async function loaded(): Promise<WebLLMEngine> {
  const blob = new Blob([writeTinyGguf() as BlobPart]);
  const file: ModelFile = { path: 'arbiter-tiny.gguf', size: blob.size, blob: () => blob };
  const plan = await planSeed([file]);
  await seedModel(plan);
  const engine = createWllamaEngine();
  engines.push(engine);
  await engine.load(plan.spec);
  return engine;
}

describe('logprob-weighted verdicts on llama.cpp', { timeout: 180_000 }, () => {
  it('under the letter grammar: the candidates are the allowed letters, a whole distribution, and the verdict is weighted by it', async () => {
    const engine = await loaded();
    const template = getTemplate('verdict-only') as Template;
    const r = await judgeItem(
      engine,
      { prompt: 'Capital of France?', responseA: 'Paris.', responseB: 'Lyon.' },
      { template, thinkingModel: false, bothOrders: true, constrained: true, seed: 3 },
    );
    for (const o of r.orders) {
      const j = o.judgments[0]!;
      expect(j.request.logprobs).toBe(true);
      expect(j.parse.status).toBe('ok');
      expect(j.text).toMatch(/^[ABC]$/);
      // The raw candidates at the verdict: only letters the grammar allows (the generated
      // vocabulary spells each letter with two tokens), summing to 1: the grammar-allowed
      // distribution, whole (6 tokens, 5 asked: at most one is missing).
      const res = await engine.generate(j.request);
      const top = res.logprobs?.[0]?.top_logprobs ?? [];
      expect(top.length).toBeGreaterThan(1);
      for (const c of top) expect(['A', 'B', 'C']).toContain(c.token);
      const mass = top.reduce((n, c) => n + Math.exp(c.logprob), 0);
      expect(mass).toBeGreaterThan(0.7);
      expect(mass).toBeLessThanOrEqual(1 + 1e-6);
      // The verdict's probabilities, computed here from the candidates by hand (summed per
      // letter, renormalised), in the judge's original positions. The candidates come from a
      // second run of the same request, which reuses the prompt's KV cache: its numbers differ
      // from the first run's in the fourth decimal (measured 1.3e-4), hence 3 digits.
      const by = (t: string) =>
        top.filter((c) => c.token === t).reduce((n, c) => n + Math.exp(c.logprob), 0);
      const [pa, pb, pc] = [by('A'), by('B'), by('C')];
      const shown = o.order === 'AB' ? { A: pa, B: pb } : { A: pb, B: pa };
      expect(j.probabilities?.A).toBeCloseTo(shown.A / (pa + pb + pc), 3);
      expect(j.probabilities?.B).toBeCloseTo(shown.B / (pa + pb + pc), 3);
      expect(j.probabilities?.tie).toBeCloseTo(pc / (pa + pb + pc), 3);
    }
    expect(r.confidence).not.toBeNull();
  });
});
