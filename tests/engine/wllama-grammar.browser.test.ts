// Every protocol's verdict grammar on real llama.cpp (wllama) with a generated GGUF: llama.cpp takes each, and every judgment parses in the protocol's own form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GGUF_CACHE } from '../../src/lib/engine/cache';
import { planSeed, seedModel, type ModelFile } from '../../src/lib/engine/model-files';
import type { WebLLMEngine } from '../../src/lib/engine/webllm-engine';
import { createWllamaEngine } from '../../src/lib/engine/wllama-engine';
import { getTemplate, judgeItem, type JudgeItem } from '../../src/lib/judge';
import { writeTinyGguf } from '../support/gguf-writer';

/**
 * Real generations (two orders, each with its continuation, on prompts of many hundred tokens in
 * the tiny vocabulary) take what the shared machine allows: a ceiling far above the project's.
 */
const REAL_MODEL = 300_000;
let engine: WebLLMEngine | null = null;
beforeAll(async () => {
  engine = await loadedEngine();
}, REAL_MODEL);
afterAll(async () => {
  engine?.dispose();
  await caches.delete(GGUF_CACHE);
});
const continued = new Set<string>();

async function loadedEngine(): Promise<WebLLMEngine> {
  const blob = new Blob([writeTinyGguf() as BlobPart]);
  const file: ModelFile = { path: 'arbiter-tiny.gguf', size: blob.size, blob: () => blob };
  const plan = await planSeed([file]);
  await seedModel(plan);
  const e = createWllamaEngine();
  await e.load(plan.spec);
  return e;
}

const item: JudgeItem = {
  prompt: 'At what temperature does water boil at sea level?',
  responseA: '100 degrees Celsius.',
  responseB: '90 degrees Celsius.',
  judgmentA: 'A is right. Score: 5',
  judgmentB: 'B is right. Score: 1',
  rubric: {
    criteria: 'Is it correct?',
    levels: [1, 2, 3, 4, 5].map((score) => ({ score, description: `${score}` })),
  },
};

const PROTOCOLS = [
  'mt-bench-pair',
  'j1-pairwise',
  'j1-single',
  'mt-bench-single',
  'arena-hard',
  'auto-j-pairwise',
  'auto-j-single',
  'prometheus-absolute',
  'prometheus-relative',
  'meta-rewarding-score',
  'meta-rewarding-meta',
];

describe('protocol verdict grammars on llama.cpp', () => {
  for (const id of PROTOCOLS) {
    it(
      `${id}: every judgment parses in the exact form, a cut-off one finished by the continuation`,
      async () => {
        const template = getTemplate(id);
        if (!template || !engine) throw new Error(id);
        const result = await judgeItem(engine, item, {
          template,
          thinkingModel: false,
          constrained: true,
          constraint: 'grammar',
          // Random weights rarely reach a verdict on their own in 24 tokens: most are continued.
          max_tokens: 24,
          temperature: 1,
          seed: 3,
        });
        for (const o of result.orders)
          for (const j of o.judgments) {
            expect(j.parse.status, `${id}: ${j.text}`).toBe('ok');
            if (j.continued) continued.add(id);
          }
      },
      REAL_MODEL,
    );
  }

  it('the continuation ran: the budget was too small for most verdicts', () => {
    expect(continued.size).toBeGreaterThan(0);
  });
});
