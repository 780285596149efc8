// Workspace export → import on another "machine" (a fresh database): equal, and a second import adds nothing.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { getTemplate, type Template } from '../../src/lib/judge';
import { createRepositories, type ItemRecord, type Repositories } from '../../src/lib/store';
import { BatchRunner, newBatchRun } from '../../src/lib/run/batch';
import { exportWorkspace, importWorkspace } from '../../src/lib/run/workspace-io';
import { DeterministicEngine } from '../support/deterministic-engine';
import { makeDataset, openTestDb } from '../store/fixtures';

let a: Awaited<ReturnType<typeof openTestDb>>;
let b: Awaited<ReturnType<typeof openTestDb>>;
let ra: Repositories;
let rb: Repositories;

beforeEach(async () => {
  a = await openTestDb();
  b = await openTestDb();
  ra = createRepositories(a.db);
  rb = createRepositories(b.db);
});
afterEach(async () => {
  await a.close();
  await b.close();
});

async function collect(gen: AsyncGenerator<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of gen) out.push(l);
  return out;
}

const when = new Date('2026-01-01T00:00:00Z');

test('export → import into a fresh database → export is identical; importing twice adds nothing', async () => {
  const items: ItemRecord[] = Array.from({ length: 4 }, (_, i) => ({
    id: `it-${i}`,
    datasetId: 'ds-1',
    index: i,
    prompt: `Q${i} "quoted", with\nnewline <script>alert(1)</script>`,
    responseA: 'a',
    responseB: 'b',
    label: 'B',
    meta: { question_id: 100 + i },
  }));
  await ra.datasets.import(makeDataset({ id: 'ds-1' }), items);
  const run = newBatchRun({
    datasetId: 'ds-1',
    template: getTemplate('j1-pairwise') as Template,
    model: { engine: 'test', modelId: 'test-judge', thinking: false },
    options: {
      bothOrders: true,
      allowTie: true,
      samples: 1,
      temperature: 0,
      seed: 1,
      maxTokens: 128,
      logprobs: false,
      constrained: false,
    },
    filter: {},
  });
  await ra.runs.put(run);
  await new BatchRunner(
    { repos: ra, engine: new DeterministicEngine(), reload: async () => {}, contextWindow: 4096 },
    run.id,
  ).run();
  await ra.labels.set('it-2', 'A', 'human says A');

  const first = await collect(exportWorkspace(ra, 'test', {}, when));
  expect(first).toHaveLength(1 + 1 + 4 + 1 + 8 + 1);
  const report = await importWorkspace(rb, first.join(''));
  expect(report.errors).toEqual([]);
  expect(report.added).toEqual({ dataset: 1, item: 4, run: 1, panel: 0, judgment: 8, label: 1 });
  const second = await collect(exportWorkspace(rb, 'test', {}, when));
  expect(second).toEqual(first);

  const again = await importWorkspace(rb, first.join(''));
  expect(again.added).toEqual({ dataset: 0, item: 0, run: 0, panel: 0, judgment: 0, label: 0 });
  expect(again.skipped).toEqual({ dataset: 1, item: 4, run: 1, panel: 0, judgment: 8, label: 1 });
  expect(await rb.judgments.count()).toBe(8);

  // A run-scoped export holds the run with its dataset, items and judgments.
  const scoped = await collect(exportWorkspace(ra, 'test', { runIds: [run.id] }, when));
  expect(scoped.filter((l) => l.includes('"kind":"judgment"'))).toHaveLength(8);
});

test('bad lines are reported by number and the rest imports', async () => {
  const lines = [
    JSON.stringify({ type: 'arbiter-workspace', version: 1, source: 'x', exportedAt: '' }),
    JSON.stringify({ kind: 'dataset', record: makeDataset({ id: 'd9' }) }),
    '{broken',
    JSON.stringify({ kind: 'item', record: { id: 'i', index: 0 } }),
  ];
  const report = await importWorkspace(rb, lines.join('\n'));
  expect(report.added.dataset).toBe(1);
  expect(report.errors.map((e) => e.line)).toEqual([3, 4]);
  const notWs = await importWorkspace(rb, '{"hello":1}\n');
  expect(notWs.errors[0]?.reason).toMatch(/not an Arbiter workspace/);
});
