// A panel in workspace files: exported with its member runs and judgments, imported on another machine as the same panel, idempotently.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { getTemplate, type Template } from '../../src/lib/judge';
import { parseWorkspaceLine } from '../../src/lib/data/workspace';
import { emptyRunForm } from '../../src/lib/run/form';
import { BatchRunner } from '../../src/lib/run/batch';
import { newPanel } from '../../src/lib/run/panel';
import { exportWorkspace, importWorkspace } from '../../src/lib/run/workspace-io';
import { panelWorkspaceFile } from '../../src/lib/run/workspace-file';
import { createRepositories, type ItemRecord, type Repositories } from '../../src/lib/store';
import { DeterministicEngine } from '../support/deterministic-engine';
import { makeDataset, makeRun, openTestDb } from '../store/fixtures';

let a: Awaited<ReturnType<typeof openTestDb>>;
let b: Awaited<ReturnType<typeof openTestDb>>;
let ra: Repositories;
let rb: Repositories;

beforeEach(async () => {
  a = await openTestDb();
  b = await openTestDb();
  ra = createRepositories(a.db);
  rb = createRepositories(b.db);
  const items: ItemRecord[] = Array.from({ length: 3 }, (_, i) => ({
    id: `it-${i}`,
    datasetId: 'ds-1',
    index: i,
    prompt: `Q${i}`,
    responseA: `a${i}`,
    responseB: `b${i}`,
    label: 'A' as const,
    meta: {},
  }));
  await ra.datasets.import(makeDataset({ id: 'ds-1', itemCount: 3 }), items);
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
const spec = (modelId: string) => ({
  modelId,
  modelUrl: '',
  modelLibUrl: '',
  contextWindow: 4096,
  thinking: false,
});

async function judgedPanel() {
  const form = { ...emptyRunForm(), datasetId: 'ds-1' };
  form.options.maxTokens = 128;
  const { panel, runs } = newPanel(
    form,
    getTemplate('j1-pairwise') as Template,
    [
      { spec: spec('m-1'), engine: 'test' },
      { spec: spec('m-2'), engine: 'test' },
    ],
    [],
    1_000,
  );
  await ra.panels.create(panel, runs);
  for (const r of runs)
    await new BatchRunner(
      { repos: ra, engine: new DeterministicEngine(), reload: async () => {}, contextWindow: 4096 },
      r.id,
    ).run();
  return panel;
}

test('a panel file holds the panel, its runs and their judgments; it imports as the same panel, once', async () => {
  const panel = await judgedPanel();
  await ra.runs.put(makeRun({ id: 'unrelated', datasetId: 'ds-1' }));
  const file = await panelWorkspaceFile(ra, 'test', panel, when);
  expect(file.name).toMatch(/^Panel-m-1-m-2-.*\.arbiter-workspace\.jsonl$/);
  const lines = (await file.blob.text()).split('\n').filter(Boolean);
  const kinds = lines.slice(1).map((l, i) => {
    const rec = parseWorkspaceLine(l, i + 2);
    return 'kind' in rec ? rec.kind : 'error';
  });
  // 1 dataset, 3 items, 2 runs, 1 panel, 2 × 6 judgments; the unrelated run stays out.
  expect(kinds.filter((k) => k === 'run')).toHaveLength(2);
  expect(kinds.filter((k) => k === 'panel')).toHaveLength(1);
  expect(kinds.filter((k) => k === 'judgment')).toHaveLength(12);
  expect(kinds.indexOf('panel')).toBeGreaterThan(kinds.lastIndexOf('run'));
  expect(kinds.indexOf('panel')).toBeLessThan(kinds.indexOf('judgment'));

  const report = await importWorkspace(rb, lines.join('\n'));
  expect(report.errors).toEqual([]);
  expect(report.added).toMatchObject({ dataset: 1, item: 3, run: 2, panel: 1, judgment: 12 });
  const imported = await rb.panels.get(panel.id);
  expect(imported).toEqual(panel);
  expect(
    (await rb.panels.members(imported!)).map((r) => [r.config.modelId, r.panelId, r.status]),
  ).toEqual([
    ['m-1', panel.id, 'done'],
    ['m-2', panel.id, 'done'],
  ]);
  const again = await importWorkspace(rb, lines.join('\n'));
  expect(again.added).toMatchObject({ run: 0, panel: 0, judgment: 0 });
  expect(again.skipped).toMatchObject({ run: 2, panel: 1, judgment: 12 });
  expect(await rb.panels.list()).toHaveLength(1);
});

test('the whole-workspace export carries panels; a run-scoped one only panels whose members it holds', async () => {
  const panel = await judgedPanel();
  const all = await collect(exportWorkspace(ra, 'test', {}, when));
  expect(all.filter((l) => l.startsWith('{"kind":"panel"'))).toHaveLength(1);
  const one = await collect(
    exportWorkspace(ra, 'test', { runIds: [panel.memberRunIds[0]!] }, when),
  );
  expect(one.filter((l) => l.startsWith('{"kind":"panel"'))).toHaveLength(0);
  const both = await collect(exportWorkspace(ra, 'test', { runIds: panel.memberRunIds }, when));
  expect(both.filter((l) => l.startsWith('{"kind":"panel"'))).toHaveLength(1);
});

test('a panel line without members is a line error, and the rest imports', async () => {
  const header = JSON.stringify({
    type: 'arbiter-workspace',
    version: 1,
    source: 't',
    exportedAt: '',
  });
  const bad = JSON.stringify({
    kind: 'panel',
    record: {
      id: 'panel-x',
      name: 'x',
      datasetId: 'ds-1',
      protocol: 'pairwise',
      memberRunIds: [],
      createdAt: 1,
      updatedAt: 1,
    },
  });
  const dataset = JSON.stringify({ kind: 'dataset', record: makeDataset({ id: 'ds-9' }) });
  const report = await importWorkspace(rb, [header, dataset, bad].join('\n'));
  expect(report.errors).toHaveLength(1);
  expect(report.errors[0]).toMatchObject({ line: 3, id: 'panel-x' });
  expect(report.errors[0]?.reason).toMatch(/^panel: memberRunIds/);
  expect(report.added.dataset).toBe(1);
  expect(await rb.panels.list()).toEqual([]);
});
