// Benchmarks of batch runs in real Chromium: persisting 10,000 judgments in batches, and the gap between generations.
// Run: npx vitest bench --run --project browser bench/runs.bench.ts (part of npm run bench). Prints its own table.
import { deleteDB } from 'idb';
import { afterAll, bench, describe } from 'vitest';
import { getTemplate, type Template } from '../src/lib/judge';
import { createRepositories, openArbiterDB, type ItemRecord } from '../src/lib/store';
import { BatchRunner, newBatchRun } from '../src/lib/run/batch';
import { DeterministicEngine } from '../tests/support/deterministic-engine';
import { benchJudgment } from './store-persist';

const rows: { name: string; unit: string; values: number[] }[] = [];

function row(name: string, unit: string): number[] {
  const r = { name, unit, values: [] as number[] };
  rows.push(r);
  return r.values;
}

const persist64 = row('persist 10,000 judgments, 64 per transaction (store time)', 'ms');
const persist500 = row('persist 10,000 judgments, 500 per transaction (store time)', 'ms');
const perJudgment1 = row('persist 10,000 judgments, one transaction each (1,000 timed, x10)', 'ms');
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

// Real IndexedDB only: in the Node (unit) project this file is skipped, fake-indexeddb would measure nothing real.
describe.skipIf(typeof indexedDB === 'undefined')('runs', () => {
  bench(
    'persist 10,000 judgments in batches (and 1,000 one transaction each, for comparison)',
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
        const records = Array.from({ length: 10_000 }, (_, i) => benchJudgment(i, run.id, 3000));
        // What the runner does: the write queue's batches, each with the run's progress in the same transaction.
        for (const [size, out] of [
          [64, persist64],
          [500, persist500],
        ] as const) {
          let storeMs = 0;
          for (let i = 0; i < records.length; i += size) {
            const batch = records
              .slice(i, i + size)
              .map((r) => ({ ...r, id: `${r.id}-${size}`, runId: `${run.id}-${size}` }));
            const t = performance.now();
            await repos.judgments.putMany(batch, {
              id: run.id,
              patch: { progress: { total: 10_000, done: i + batch.length, failed: 0 } },
            });
            storeMs += performance.now() - t;
          }
          out.push(storeMs);
          if ((await repos.judgments.count(`${run.id}-${size}`)) !== 10_000)
            throw new Error('lost judgments');
        }
        // The old way, one transaction per judgment, on a tenth of the records.
        const t = performance.now();
        for (const r of records.slice(0, 1000))
          await repos.judgments.put({ ...r, id: `${r.id}-1` });
        perJudgment1.push((performance.now() - t) * 10);
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
