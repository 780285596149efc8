// Benchmark page for bench/runs.mjs and bench/store.mjs: the real store and runner against Chromium's IndexedDB.
// Served by a Vite dev server (mode "benchmark"); the Node script calls window.arbiterBench and prints the table.
import { deleteDB } from 'idb';
import { getTemplate, type Template } from '../../src/lib/judge';
import {
  createRepositories,
  openArbiterDB,
  type ArbiterDatabase,
  type ItemRecord,
  type RunOptions,
} from '../../src/lib/store';
import { BatchRunner, datasetItems, newBatchRun } from '../../src/lib/run/batch';
import { DeterministicEngine } from '../../tests/support/deterministic-engine';
import { benchJudgment, persistJudgments, type PersistStats } from '../store-persist';

/** One persist measurement: the time spent awaiting the store, and what it wrote. */
export interface PersistResult {
  /** Sum of the awaited writes (the runner's store time), ms. */
  storeMs: number;
  /** Transactions committed. */
  transactions: number;
  /** Median and slowest single transaction, ms. */
  txMedianMs: number;
  txMaxMs: number;
  /** Judgments counted in the store afterwards (must equal n). */
  stored: number;
  /** Size of one record as structured-clone-ish JSON, bytes. */
  recordBytes: number;
}

export interface GapResult {
  status: string;
  gaps: number[];
  generations: number;
  wallMs: number;
}

export interface ArbiterBench {
  persistBatches(n: number, batchSize: number, textChars: number): Promise<PersistResult>;
  persistEach(n: number, textChars: number): Promise<PersistStats>;
  gapRun(items: number, tokensPerSecond: number): Promise<GapResult>;
}

declare global {
  interface Window {
    arbiterBench?: ArbiterBench;
  }
}

const template = getTemplate('j1-pairwise') as Template;
const options: RunOptions = {
  bothOrders: true,
  allowTie: true,
  samples: 1,
  temperature: 0,
  seed: 42,
  maxTokens: 256,
  logprobs: false,
  constrained: false,
};

async function withDb<T>(body: (db: ArbiterDatabase) => Promise<T>): Promise<T> {
  const name = `arbiter-bench-${Date.now()}-${Math.random()}`;
  const db = await openArbiterDB(name);
  try {
    return await body(db);
  } finally {
    db.close();
    await deleteDB(name);
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/**
 * What the runner's write queue does: `batchSize` judgments per JudgmentStore.putMany, each with
 * the run's progress patched in the same transaction, awaited one after another.
 */
async function persistBatches(
  n: number,
  batchSize: number,
  textChars: number,
): Promise<PersistResult> {
  return withDb(async (db) => {
    const repos = createRepositories(db);
    const run = newBatchRun({
      datasetId: 'ds',
      template,
      model: { engine: 'webllm', modelId: 'm', thinking: true },
      options,
      filter: {},
    });
    await repos.runs.put(run);
    // The run's dataset exists, as it does for the runner (benchJudgment judges item-<i/2>); the
    // judgment writes read its facts for the review digest. Not timed.
    const items: ItemRecord[] = Array.from({ length: Math.ceil(n / 2) }, (_, k) => ({
      id: `item-${k}`,
      datasetId: 'ds',
      index: k,
      prompt: `Question ${k}: which answer is better? `.repeat(4),
      responseA: 'The first answer, a few sentences long. '.repeat(10),
      responseB: 'The second answer, a few sentences long. '.repeat(10),
      label: k % 2 ? 'A' : 'B',
      meta: {},
    }));
    await repos.datasets.import(
      { id: 'ds', name: 'bench', source: 'bench', format: 'arbiter', itemCount: 0, createdAt: 0 },
      items,
    );
    // The runner reads its dataset's items before judging (which also primes the item facts).
    await datasetItems(repos, 'ds');
    // Built before timing: the runner builds each record when its generation ends.
    const records = Array.from({ length: n }, (_, i) => benchJudgment(i, run.id, textChars));
    const times: number[] = [];
    for (let i = 0; i < records.length; i += batchSize) {
      const batch = records.slice(i, i + batchSize);
      const t = performance.now();
      await repos.judgments.putMany(batch, {
        id: run.id,
        patch: { progress: { total: n, done: i + batch.length, failed: 0 }, failures: [] },
      });
      times.push(performance.now() - t);
    }
    const stored = await repos.judgments.count(run.id);
    return {
      storeMs: times.reduce((a, b) => a + b, 0),
      transactions: times.length,
      txMedianMs: median(times),
      txMaxMs: Math.max(...times),
      stored,
      recordBytes: JSON.stringify(records[0]).length,
    };
  });
}

/** The old way: one transaction per judgment (JudgmentStore.put). */
async function persistEach(n: number, textChars: number): Promise<PersistStats> {
  return withDb((db) => persistJudgments(db, n, { runId: 'bench-each', textChars }));
}

/** A real batch run over `items` pairs, both orders, with the deterministic engine at a fixed speed. */
async function gapRun(items: number, tokensPerSecond: number): Promise<GapResult> {
  return withDb(async (db) => {
    const repos = createRepositories(db);
    const records: ItemRecord[] = Array.from({ length: items }, (_, i) => ({
      id: `it-${i}`,
      datasetId: 'ds',
      index: i,
      prompt: `Benchmark question ${i}: which answer is better?`,
      responseA: `Answer A number ${i}, a short and direct reply.`,
      responseB: `Answer B number ${i}, a different reply.`,
      meta: {},
    }));
    await repos.datasets.import(
      { id: 'ds', name: 'bench', source: 'bench', format: 'arbiter', itemCount: 0, createdAt: 0 },
      records,
    );
    const run = newBatchRun({
      datasetId: 'ds',
      template,
      model: { engine: 'test', modelId: 'arbiter-test-judge', thinking: true },
      options,
      filter: {},
    });
    await repos.runs.put(run);
    // The Runs view re-renders on every progress event; a rAF-batched no-op stands in for it.
    let frame = 0;
    const runner = new BatchRunner(
      {
        repos,
        engine: new DeterministicEngine({ tokensPerSecond, thinking: true }),
        reload: async () => {},
        contextWindow: 4096,
        onProgress: () => {
          frame ||= requestAnimationFrame(() => (frame = 0));
        },
      },
      run.id,
    );
    const t = performance.now();
    const status = await runner.run();
    const wallMs = performance.now() - t;
    const stored = await repos.judgments.count(run.id);
    return { status, gaps: [...runner.measuredGaps], generations: stored, wallMs };
  });
}

window.arbiterBench = { persistBatches, persistEach, gapRun };
const status = document.getElementById('status');
if (status) status.textContent = 'Ready';
