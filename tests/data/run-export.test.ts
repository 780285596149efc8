// A run's export files on fake-indexeddb: every format's name, type and content, the workspace file round trip, the import errors file.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  fileStamp,
  rowErrorsFile,
  runExportFile,
  type RunExportFormat,
} from '../../src/lib/data/run-export';
import { importWorkspaceFile, workspaceFile } from '../../src/lib/run/workspace-file';
import { createRepositories, type ItemRecord, type Repositories } from '../../src/lib/store';
import { makeDataset, makeItem, makeJudgment, makeRun, openTestDb } from '../store/fixtures';

const NOW = new Date('2026-12-07T20:15:30.123Z');
const SOURCE = 'https://arbiter.example/';
const run = makeRun({ id: 'abcdef0123456789', status: 'done' });
const items: ItemRecord[] = [0, 1].map((i) =>
  makeItem({ id: `it-${i}`, index: i, prompt: `Prompt ${i}` }),
);

let db: Awaited<ReturnType<typeof openTestDb>>;
let repos: Repositories;

beforeEach(async () => {
  db = await openTestDb();
  repos = createRepositories(db.db);
  await repos.datasets.import(makeDataset({ id: 'ds-1' }), items);
  await repos.runs.put(run);
  await repos.judgments.putMany(
    items.flatMap((it) =>
      (['AB', 'BA'] as const).map((order) =>
        makeJudgment({
          id: `j-${it.id}-${order}`,
          runId: run.id,
          itemId: it.id,
          order,
          key: `${it.id}-${order}`,
        }),
      ),
    ),
  );
});
afterEach(async () => {
  await db.close();
});

const base = 'arbiter-run-abcdef01-2026-12-07T20-15-30';

describe('runExportFile', () => {
  test.each<[Exclude<RunExportFormat, 'workspace'>, string, string]>([
    ['items-csv', `${base}-items.csv`, 'text/csv;charset=utf-8'],
    ['items-jsonl', `${base}-items.jsonl`, 'application/x-ndjson'],
    ['judgments-csv', `${base}-judgments.csv`, 'text/csv'],
    ['judgments-jsonl', `${base}-judgments.jsonl`, 'application/x-ndjson'],
    ['alpaca-eval', `${base}-alpaca_eval-annotations.json`, 'application/json'],
    ['fastchat', `${base}-fastchat-judgment.jsonl`, 'application/x-ndjson'],
    ['arena-hard', `${base}-arena-hard-judgment.jsonl`, 'application/x-ndjson'],
  ])('%s is named %s and holds every item', async (format, name, type) => {
    const file = await runExportFile(repos, run, items, format, SOURCE, NOW);
    expect(file.name).toBe(name);
    expect(file.blob.type.startsWith(type)).toBe(true);
    const text = await file.blob.text();
    for (const it of items)
      expect(text).toContain(
        format.startsWith('items') || format.startsWith('judgments') ? it.id : it.prompt,
      );
  });
});

describe('workspace files', () => {
  test("one run's file imports into an empty workspace with its dataset, items and judgments", async () => {
    const file = await workspaceFile(repos, SOURCE, run, NOW);
    expect(file.name).toBe(`${base}.arbiter-workspace.jsonl`);
    const other = await openTestDb();
    try {
      const report = await importWorkspaceFile(createRepositories(other.db), file.blob);
      expect(report.errors).toEqual([]);
      expect(report.added).toMatchObject({ dataset: 1, item: 2, run: 1, judgment: 4 });
    } finally {
      await other.close();
    }
  });

  test('the whole workspace is named by the time alone; a second import adds nothing', async () => {
    const file = await workspaceFile(repos, SOURCE, null, NOW);
    expect(file.name).toBe(`arbiter-workspace-${fileStamp(NOW)}.jsonl`);
    const report = await importWorkspaceFile(repos, file.blob);
    expect(report.added).toMatchObject({ dataset: 0, item: 0, run: 0, judgment: 0 });
    expect(report.skipped).toMatchObject({ dataset: 1, item: 2, run: 1, judgment: 4 });
  });
});

test('the import errors file has one JSON line per bad row', async () => {
  const file = rowErrorsFile(
    [
      { line: 3, error: 'bad' },
      { line: 9, error: 'worse' },
    ],
    NOW,
  );
  expect(file.name).toBe('arbiter-import-errors-2026-12-07T20-15-30.jsonl');
  const lines = (await file.blob.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
  expect(lines).toEqual([
    { line: 3, error: 'bad' },
    { line: 9, error: 'worse' },
  ]);
});
