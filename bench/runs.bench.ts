// Benchmarks of batch runs in real Chromium: persisting 10,000 judgments in batches, and the gap between generations.
// Run: npx vitest bench --run --project browser bench/runs.bench.ts (part of npm run bench). Prints its own table.
import { deleteDB } from 'idb';
import { afterAll, bench, describe } from 'vitest';
import { getTemplate, type Template } from '../src/lib/judge';
import { createRepositories, openArbiterDB, type ItemRecord } from '../src/lib/store';
import { BatchRunner, newBatchRun } from '../src/lib/run/batch';
import { WriteQueue } from '../src/lib/run/write-queue';
import { DeterministicEngine } from '../tests/support/deterministic-engine';
import { benchJudgment } from './store-persist';

const rows: { name: string; unit: string; values: number[] }[] = [];

function row(name: string, unit: string): number[] {
  const r = { name, unit, values: [] as number[] };
  rows.push(r);
  return r.values;
}

const persistTotal = row(
  'persist 10,000 judgments: wall time, write-behind queue (64/batch)',
  'ms',
);
const persistStore = row('persist 10,000 judgments: store time (sum of transactions)', 'ms');
const persistBatches = row('persist 10,000 judgments: transactions', 'count');
const gapRow = row('gap between generations, deterministic engine at 300 tok/s', 'ms');
const gapPerRun = row('gap between generations: median per run (60 generations)', 'ms');

async function freshDb() {
  const name = `arbiter-bench-runs-${Date.now()}-${Math.random()}`;
  const db = await openArbiterDB(name);
  return { db, close: async () => (db.close(), await deleteDB(name)) };
}

const template = getTemplate('j1-pairwise') as Template;
const options = {
  bothOrders: true,
  allowTie: true,
  samples: 1,
  temperature: 0,
  seed: 42,
  maxTokens: 256,
  logprobs: false,
  constrained: false,
};

describe('runs', () => {
  bench(
    'persist 10,000 judgments through the run write queue',
    async () => {
      const { db, close } = await freshDb();
      try {
        const repos = createRepositories(db);
        const run = newBatchRun({
          datasetId: 'ds',
          template,
          model: { engine: 'webllm', modelId: 'm', thinking: true },
          options,
          filter: {},
        });
        await repos.runs.put(run);
        let storeMs = 0;
        let done = 0;
        const queue = new WriteQueue<ReturnType<typeof benchJudgment>>(async (batch) => {
          const t = performance.now();
          done += batch.length;
          await repos.judgments.putMany(batch, {
            id: run.id,
            patch: { progress: { total: 10_000, done, failed: 0 } },
          });
          storeMs += performance.now() - t;
        });
        const records = Array.from({ length: 10_000 }, (_, i) => benchJudgment(i, run.id, 3000));
        const start = performance.now();
        for (const r of records) queue.add(r);
        await queue.flush();
        persistTotal.push(performance.now() - start);
        persistStore.push(storeMs);
        persistBatches.push(queue.batches);
        if ((await repos.judgments.count(run.id)) !== 10_000) throw new Error('lost judgments');
      } finally {
        await close();
      }
    },
    { iterations: 3, warmupIterations: 0, time: 0 },
  );

  bench(
    'a 30-item run, both orders, at 300 tok/s: gap between generations',
    async () => {
      const { db, close } = await freshDb();
      try {
        const repos = createRepositories(db);
        const items: ItemRecord[] = Array.from({ length: 30 }, (_, i) => ({
          id: `it-${i}`,
          datasetId: 'ds',
          index: i,
          prompt: `Benchmark question ${i}: which answer is better?`,
          responseA: `Answer A number ${i}, a short and direct reply.`,
          responseB: `Answer B number ${i}, a different reply.`,
          meta: {},
        }));
        await repos.datasets.import(
          {
            id: 'ds',
            name: 'bench',
            source: 'bench',
            format: 'arbiter',
            itemCount: 0,
            createdAt: 0,
          },
          items,
        );
        const run = newBatchRun({
          datasetId: 'ds',
          template,
          model: { engine: 'test', modelId: 'arbiter-test-judge', thinking: true },
          options,
          filter: {},
        });
        await repos.runs.put(run);
        const runner = new BatchRunner(
          {
            repos,
            engine: new DeterministicEngine({ tokensPerSecond: 300, thinking: true }),
            reload: async () => {},
            contextWindow: 4096,
            // The UI's live view costs something on every judgment too.
            onProgress: () => undefined,
          },
          run.id,
        );
        if ((await runner.run()) !== 'done') throw new Error('run did not finish');
        const gaps = [...runner.measuredGaps];
        gapRow.push(...gaps);
        gapPerRun.push(median(gaps));
        // vitest's bench reporter drops hook output in the browser: print after each finished run.
        if (gapPerRun.length === 3) printTable();
      } finally {
        await close();
      }
    },
    { iterations: 3, warmupIterations: 0, time: 0 },
  );

  afterAll(() => printTable());
});

function printTable(): void {
  {
    const lines = [
      '',
      'Batch runs (real Chromium IndexedDB)',
      '| measure | unit | n | min | median | max |',
      '|---|---|---|---|---|---|',
    ];
    for (const r of rows) {
      if (!r.values.length) continue;
      const f = (x: number) => (r.unit === 'count' ? String(Math.round(x)) : x.toFixed(2));
      lines.push(
        `| ${r.name} | ${r.unit} | ${r.values.length} | ${f(Math.min(...r.values))} | ${f(median(r.values))} | ${f(Math.max(...r.values))} |`,
      );
    }
    console.log(lines.join('\n'));
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
