// The review's plain modules over the store (fake-indexeddb): picker runs, compare, leaderboard, search texts, labels, item detail, intervals.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRepositories, type Repositories } from '../../src/lib/store';
import { buildRows } from '../../src/lib/review/rows';
import { buildDashboard, REVIEW_BOOTSTRAP } from '../../src/lib/review/dashboard';
import { compareRuns } from '../../src/lib/review/compare';
import { buildLeaderboard } from '../../src/lib/review/leaderboard';
import { bootstrapAll } from '../../src/lib/review/summary';
import { fillIntervals } from '../../src/lib/review/intervals';
import { readItemDetail } from '../../src/lib/review/item-detail';
import { removeLabel, saveLabel } from '../../src/lib/review/labels';
import { readRun } from '../../src/lib/review/load';
import { META_PROTOCOL, metaRun } from '../../src/lib/review/meta';
import {
  compareStored,
  reviewableRuns,
  runLeaderboard,
  runRows,
  searchTexts,
} from '../../src/lib/review/reads';
import { afterPaint } from '../../src/lib/review/schedule';
import { openTestDb } from '../store/fixtures';
import { makeJudgment, pandalmFixture, type FixtureRun } from './fixtures';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
  vi.useRealTimers();
});

async function seeded(f: FixtureRun = pandalmFixture()): Promise<Repositories> {
  const t = await openTestDb();
  close = t.close;
  const repos = createRepositories(t.db);
  await repos.datasets.import(f.dataset, f.items);
  for (const r of f.runs) await repos.runs.put(r);
  await repos.judgments.putMany(f.judgments);
  return repos;
}

const rowsOf = (f: FixtureRun, runId: string) =>
  buildRows({
    run: f.runs.find((r) => r.id === runId),
    judgments: f.judgments.filter((j) => j.runId === runId),
    items: f.items,
    labels: [],
  });

const meta = metaRun({
  runId: 'meta-1',
  itemId: 'x',
  engine: 'test',
  modelId: 'm',
  templateId: 'meta-rewarding-meta',
  templateVersion: 1,
  params: {
    temperature: 0,
    seed: 1,
    max_tokens: 8,
    samples: 1,
    bothOrders: true,
    constrained: false,
  },
  judgmentA: 'ja',
  judgmentB: 'jb',
  now: 5,
});

// Seeding the PandaLM fixture takes seconds on a busy machine.
describe('reads', { timeout: 60_000 }, () => {
  it('the picker leaves meta-judge runs out', async () => {
    const repos = await seeded();
    await repos.runs.put(meta);
    const ids = (await reviewableRuns(repos)).map((r) => r.id).sort();
    expect(ids).toEqual(['run-gpt35', 'run-pandalm7b']);
  });

  it('compare and leaderboard from the store equal the same built from records', async () => {
    const f = pandalmFixture();
    const repos = await seeded(f);
    const { runs, comparison } = await compareStored(repos, 'run-gpt35', 'run-pandalm7b');
    expect(runs.map((r) => r?.id)).toEqual(['run-gpt35', 'run-pandalm7b']);
    const direct = compareRuns(
      rowsOf(f, 'run-gpt35'),
      rowsOf(f, 'run-pandalm7b'),
      REVIEW_BOOTSTRAP,
    );
    expect(comparison.kappa).toBeCloseTo(direct.kappa, 12);
    expect(comparison.agreement).toEqual(direct.agreement);

    const { run, rows } = await runRows(repos, 'run-gpt35');
    const board = await runLeaderboard(repos, run, rows, {
      weighting: 'arena-hard',
      lengthControl: false,
    });
    // The recorded run's template does not grade verdicts: it is ranked plain.
    const plain = buildLeaderboard(rows, { bootstrap: { iterations: 200, seed: 1 } });
    expect(board).toEqual(plain);
  });

  it('a run that is not stored has no rows', async () => {
    const repos = await seeded();
    expect(await runRows(repos, 'nope')).toEqual({ run: undefined, rows: [] });
  });

  it('search texts hold prompt and both answers, lowercased, and skip missing items', async () => {
    const f = pandalmFixture();
    const repos = await seeded(f);
    const first = f.items[0]!;
    const texts = await searchTexts(repos, [first.id, 'missing']);
    expect([...texts.keys()]).toEqual([first.id]);
    expect(texts.get(first.id)).toBe(
      `${first.prompt}\u0000${first.responseA}\u0000${first.responseB ?? ''}`.toLowerCase(),
    );
  });
});

describe('labels', { timeout: 60_000 }, () => {
  it('a new label keeps the note, a new note replaces it; removing clears both', async () => {
    const f = pandalmFixture();
    const repos = await seeded(f);
    const id = f.items[0]!.id;
    const map = (await readRun(repos, 'run-gpt35'))!.labels;
    await saveLabel(repos, map, id, 'A', 'first look');
    const again = await saveLabel(repos, map, id, 'B');
    expect(again).toMatchObject({ label: 'B', note: 'first look' });
    expect((await readRun(repos, 'run-gpt35'))!.labels.get(id)).toMatchObject({ label: 'B' });
    await removeLabel(repos, map, id);
    expect(map.has(id)).toBe(false);
    expect((await readRun(repos, 'run-gpt35'))!.labels.has(id)).toBe(false);
  });
});

describe('item detail', { timeout: 60_000 }, () => {
  it('lists the item, its judgments oldest first, and meta-judge runs newest first', async () => {
    const f = pandalmFixture();
    const repos = await seeded(f);
    const id = f.items[0]!.id;
    for (const [runId, now] of [
      ['meta-old', 10],
      ['meta-new', 20],
    ] as const) {
      await repos.runs.put({ ...meta, id: runId, createdAt: now });
      await repos.judgments.put(
        makeJudgment(runId, id, 'AB', 'A', { protocol: META_PROTOCOL, createdAt: now }),
      );
    }
    const detail = await readItemDetail(repos, id);
    expect(detail.item?.id).toBe(id);
    expect(detail.judgments.length).toBeGreaterThan(0);
    expect(detail.judgments.every((j) => j.protocol !== META_PROTOCOL)).toBe(true);
    const times = detail.judgments.map((j) => j.createdAt);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(detail.metaEntries.map((e) => e.run.id)).toEqual(['meta-new', 'meta-old']);
    expect(detail.metaEntries[0]!.judgments).toHaveLength(1);
  });
});

describe('intervals', () => {
  const now = () => Promise.resolve();

  it('fill every group with the intervals a one-go bootstrap gives, reporting progress', async () => {
    const d = buildDashboard(rowsOf(pandalmFixture(), 'run-gpt35'));
    const progress: [number, number][] = [];
    const filled = await fillIntervals(d, {
      live: () => true,
      onProgress: (done, total) => progress.push([done, total]),
      start: now,
      between: now,
    });
    expect(filled?.overall.intervals).toEqual(bootstrapAll(d.overall.table, REVIEW_BOOTSTRAP));
    filled?.subsets.forEach((s) =>
      expect(s.intervals).toEqual(bootstrapAll(s.table, REVIEW_BOOTSTRAP)),
    );
    const total = progress[0]![1];
    expect(progress[0]).toEqual([0, total]);
    expect(progress.at(-1)).toEqual([total, total]);
    expect(d.overall.intervals).toBeNull();
  });

  it('stop at the next slice once no longer live', async () => {
    const d = buildDashboard(rowsOf(pandalmFixture(), 'run-gpt35'));
    let slices = 0;
    const filled = await fillIntervals(d, {
      live: () => slices < 3,
      onProgress: () => undefined,
      start: now,
      between: async () => void slices++,
    });
    expect(filled).toBeNull();
    expect(slices).toBe(3);
  });

  it('wait for a painted frame, or a second where no frames come', async () => {
    vi.useFakeTimers();
    let done = false;
    void afterPaint().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });
});
