// Record builders and a throwaway database for store tests (Node with fake-indexeddb, or real Chromium).
import { deleteDB } from 'idb';
import { openArbiterDB, type ArbiterDatabase } from '../../src/lib/store/db';
import type {
  DatasetRecord,
  ItemRecord,
  JudgmentRecord,
  RunRecord,
} from '../../src/lib/store/schema';

let counter = 0;

/** A database name no other test uses. */
export function freshDbName(prefix = 'arbiter-test'): string {
  counter += 1;
  return `${prefix}-${Date.now()}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Opens a fresh database; `close()` closes and deletes it (call it in afterEach). */
export async function openTestDb(): Promise<{
  db: ArbiterDatabase;
  name: string;
  close: () => Promise<void>;
}> {
  const name = freshDbName();
  const db = await openArbiterDB(name);
  return {
    db,
    name,
    close: async () => {
      db.close();
      await deleteDB(name);
    },
  };
}

/** A dataset record. */
export function makeDataset(over: Partial<DatasetRecord> = {}): DatasetRecord {
  return {
    id: 'ds-1',
    name: 'LLMBar natural',
    source: 'llmbar.jsonl',
    format: 'arbiter',
    itemCount: 0,
    createdAt: 1_700_000_000_000,
    ...over,
  };
}

/** An item record. */
export function makeItem(over: Partial<ItemRecord> = {}): ItemRecord {
  return {
    id: 'item-1',
    datasetId: 'ds-1',
    index: 0,
    prompt: 'What is the capital of France?',
    responseA: 'Paris.',
    responseB: 'Lyon.',
    label: 'A',
    meta: {},
    ...over,
  };
}

/** A run record. */
export function makeRun(over: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'run-1',
    datasetId: 'ds-1',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    status: 'running',
    config: {
      engine: 'test',
      modelId: 'Qwen3-4B-q4f32_1-MLC',
      protocol: 'pairwise',
      templateId: 'j1-pairwise',
      templateVersion: 1,
      params: {
        temperature: 0,
        seed: 42,
        max_tokens: 1024,
        samples: 1,
        bothOrders: true,
        constrained: false,
      },
    },
    progress: { total: 2, done: 0, failed: 0 },
    summary: null,
    ...over,
  };
}

/** A judgment record. */
export function makeJudgment(over: Partial<JudgmentRecord> = {}): JudgmentRecord {
  return {
    id: 'j-1',
    runId: 'run-1',
    itemId: 'item-1',
    protocol: 'pairwise',
    templateId: 'j1-pairwise',
    templateVersion: 1,
    engine: 'test',
    modelId: 'Qwen3-4B-q4f32_1-MLC',
    params: {
      temperature: 0,
      seed: 42,
      max_tokens: 1024,
      samples: 1,
      bothOrders: true,
      constrained: false,
    },
    order: 'AB',
    sample: 0,
    text: '<think>Paris is right.</think><answer>[[A]]</answer>',
    verdict: 'A',
    rawVerdict: 'A',
    score: null,
    strength: null,
    probabilities: { A: 0.9, B: 0.1 },
    parse: 'ok',
    parseSpan: [30, 45],
    finishReason: 'stop',
    usage: {
      promptTokens: 312,
      completionTokens: 48,
      prefillTokensPerS: 850.5,
      decodeTokensPerS: 32.1,
      timeToFirstTokenMs: 370,
      totalMs: 1900,
    },
    key: 'k-1',
    createdAt: 1_700_000_000_000,
    ...over,
  };
}
