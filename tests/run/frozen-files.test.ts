// Files written by earlier versions (tests/data/fixtures, frozen): the app still reads them, with the numbers worked out by hand.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { metricsOf, metricsTable } from '../../cli/metrics';
import { judgmentsToJsonl, type ExportedJudgment } from '../../src/lib/data/export';
import { readRunSummary, type RunSummary } from '../../src/lib/data/run-summary';
import { getTemplate, type Template } from '../../src/lib/judge';
import { importWorkspace } from '../../src/lib/run/workspace-io';
import {
  createRepositories,
  type ItemRecord,
  type JudgmentRecord,
  type Repositories,
} from '../../src/lib/store';
import { openTestDb } from '../store/fixtures';

const fixture = (name: string) =>
  readFileSync(new URL(`../data/fixtures/${name}`, import.meta.url), 'utf8');
const FILES = {
  app: { text: fixture('workspace-v1-app.jsonl'), runId: '622594a7-165c-4e5e-8e18-cde97fb2ec7e' },
  cli: { text: fixture('cli-results-v1.jsonl'), runId: 'cli-b837883ffbc80385' },
};

/**
 * The six items of both files (fixtures/README.md), worked out by hand from their judgments:
 * 0 A/A consistent A, label A: agrees. 1 A then B: flipped (counted a tie), label A: disagrees.
 * 2 no verdict in either order, label B: a failure. 3 only BA read, B, label B: agrees.
 * 4 tie/tie, label tie: agrees. 5 B/B, label A: disagrees.
 */
const RESULTS = ['A', 'flipped', 'failed', 'B', 'tie', 'B'];
const EXPECTED: Omit<RunSummary, 'version'> = {
  pairwise: true,
  items: 6,
  judgedItems: 6,
  judgments: 12,
  parseFailures: 3,
  verdicts: { A: 1, B: 2, tie: 2, none: 1 },
  consistency: { consistent: 3, flipped: 1, failed: 1, partial: 1 },
  labels: { labelled: 6, parsed: 5, failed: 1, agree: 3, accuracy: 3 / 5, strictAccuracy: 3 / 6 },
  meanScore: null,
};

let db: Awaited<ReturnType<typeof openTestDb>>;
let repos: Repositories;
beforeEach(async () => {
  db = await openTestDb();
  repos = createRepositories(db.db);
});
afterEach(async () => {
  await db.close();
});

describe.each(Object.entries(FILES))('the frozen %s file', (_name, file) => {
  test('imports without an error; its run summary is recomputed in this version’s shape', async () => {
    const report = await importWorkspace(repos, file.text);
    expect(report.errors).toEqual([]);
    expect(report.added).toMatchObject({ dataset: 1, item: 6, judgment: 12 });
    expect(await repos.runs.list()).toHaveLength(1);
    expect(report.summariesRebuilt).toBe(1);
    const run = await repos.runs.get(file.runId);
    expect(readRunSummary(run?.summary)).toMatchObject(EXPECTED);

    // A second import changes nothing, and rebuilds nothing.
    const again = await importWorkspace(repos, file.text);
    expect(again.added).toMatchObject({ run: 0, judgment: 0 });
    expect(again.summariesRebuilt).toBe(0);
  });

  test('its per-judgment export gives each judgment its own item’s result', async () => {
    await importWorkspace(repos, file.text);
    let text = '';
    for await (const chunk of judgmentsToJsonl(repos.judgments.allWithItems(), { source: 't' }))
      text += chunk;
    const lines = text.trim().split('\n').slice(1);
    expect(lines).toHaveLength(12);
    for (const line of lines) {
      const j = JSON.parse(line) as ExportedJudgment;
      expect(j.pair.result).toBe(RESULTS[j.item!.index]);
    }
  });
});

test('the CLI prints the same headline as the app: agreement over parsed verdicts, failures beside it, strict apart', async () => {
  await importWorkspace(repos, FILES.cli.text);
  const items = (await repos.items.byDataset('cli-def825a71c742e42')) as ItemRecord[];
  const results = new Map<string, JudgmentRecord[]>();
  for (const j of await repos.judgments.byRun(FILES.cli.runId))
    results.set(j.itemId, [...(results.get(j.itemId) ?? []), j]);
  const template = getTemplate('j1-pairwise') as Template;
  const m = metricsOf(template, items, results, true);
  expect(m.summary).toMatchObject(EXPECTED);
  const table = metricsTable(m, template);
  expect(table).toMatch(
    /agreement with labels \(parsed verdicts\)\s+60\.0% \(3 of 5\).*; 1 without a verdict/,
  );
  expect(table).toMatch(/strict agreement \(no verdict = wrong\)\s+50\.0% \(3 of 6\)/);
});

test('a run summary of an unknown shape is recomputed, not trusted; a summary that is not an object is a line error', async () => {
  const lines = FILES.cli.text.trim().split('\n');
  const lastRun = lines.findLastIndex((l) => l.includes('"kind":"run"'));
  const run = JSON.parse(lines[lastRun]!) as { record: Record<string, unknown> };
  const withSummary = (summary: unknown) =>
    lines
      .map((l, i) =>
        i === lastRun ? JSON.stringify({ ...run, record: { ...run.record, summary } }) : l,
      )
      .join('\n');

  const odd = await importWorkspace(repos, withSummary({ verdicts: 5, labels: 'many' }));
  expect(odd.errors).toEqual([]);
  expect(odd.summariesRebuilt).toBe(1);
  expect(readRunSummary((await repos.runs.get(FILES.cli.runId))?.summary)).toMatchObject(EXPECTED);

  const db2 = await openTestDb();
  try {
    const bad = await importWorkspace(createRepositories(db2.db), withSummary('great'));
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors[0]!.reason).toMatch(/^run: summary/);
  } finally {
    await db2.close();
  }
});
