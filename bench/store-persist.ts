// persistJudgments: writes n judgments one transaction each, as the runner does, and times every write.
import type { ArbiterDatabase } from '../src/lib/store/db';
import { JudgmentStore } from '../src/lib/store/judgments';
import type { JudgmentRecord } from '../src/lib/store/schema';

/** Timings of one persistJudgments call, in milliseconds. */
export interface PersistStats {
  n: number;
  totalMs: number;
  judgmentsPerS: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Approximate size of one record's text, in characters. */
  textChars: number;
}

/** A judgment shaped like a real one: a few KB of reasoning, full usage, a 64-hex key. */
export function benchJudgment(i: number, runId: string, textChars: number): JudgmentRecord {
  const reasoning =
    'The first answer names the capital correctly, while the second one does not. '.repeat(
      Math.ceil(textChars / 78),
    );
  return {
    id: `${runId}-${i}`,
    runId,
    itemId: `item-${i >> 1}`,
    protocol: 'pairwise',
    templateId: 'j1-pairwise',
    templateVersion: 1,
    engine: 'webllm',
    modelId: 'Qwen3-4B-q4f32_1-MLC',
    params: {
      temperature: 0,
      seed: 42,
      max_tokens: 2048,
      samples: 1,
      bothOrders: true,
      constrained: false,
    },
    order: i % 2 ? 'BA' : 'AB',
    sample: 0,
    text: `<think>${reasoning.slice(0, textChars)}</think><answer>[[A]]</answer>`,
    verdict: 'A',
    rawVerdict: i % 2 ? 'B' : 'A',
    score: null,
    probabilities: { A: 0.8, B: 0.2 },
    parse: 'ok',
    parseSpan: [textChars + 15, textChars + 30],
    finishReason: 'stop',
    usage: {
      promptTokens: 600,
      completionTokens: 700,
      prefillTokensPerS: 900,
      decodeTokensPerS: 30,
      timeToFirstTokenMs: 650,
      totalMs: 24_000,
    },
    key: i.toString(16).padStart(64, '0'),
    createdAt: Date.now(),
  };
}

/**
 * Writes `n` judgments through JudgmentStore.put, awaiting each before the next (one
 * transaction per judgment, as the runner persists each the moment it completes).
 */
export async function persistJudgments(
  db: ArbiterDatabase,
  n: number,
  opts: { runId?: string; textChars?: number } = {},
): Promise<PersistStats> {
  const store = new JudgmentStore(db);
  const runId = opts.runId ?? `bench-${Date.now()}`;
  const textChars = opts.textChars ?? 3000;
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const record = benchJudgment(i, runId, textChars);
    const t0 = performance.now();
    await store.put(record);
    times.push(performance.now() - t0);
  }
  const totalMs = performance.now() - start;
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    n,
    totalMs: round(totalMs),
    judgmentsPerS: round((n / totalMs) * 1000),
    meanMs: round(times.reduce((a, b) => a + b, 0) / Math.max(1, n)),
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
    textChars,
  };
}
