// History pages: newest first, stable paging across equal timestamps, text search, and the rows built from them.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createRepositories, type HistoryPage, type Repositories } from '../../src/lib/store';
import { loadOlder, type HistoryRow, type RunFacts } from '../../src/lib/review/history';
import { makeDataset, makeItem, makeJudgment, makeRun, openTestDb } from './fixtures';

let close: () => Promise<void>;
let repo: Repositories;

beforeEach(async () => {
  const t = await openTestDb();
  close = t.close;
  repo = createRepositories(t.db);
});
afterEach(async () => {
  await close();
});

const ids = (p: HistoryPage) => p.entries.map((e) => e.judgment.id);

describe('newest', () => {
  test('pages newest first without gaps or repeats, even when timestamps tie', async () => {
    // 10 judgments over 4 distinct milliseconds.
    const times = [5, 5, 5, 3, 3, 9, 1, 9, 7, 7];
    for (const [i, t] of times.entries()) {
      await repo.judgments.put(makeJudgment({ id: `j${i}`, createdAt: t }));
    }
    const seen: string[] = [];
    let page = await repo.judgments.newest({ limit: 3 });
    seen.push(...ids(page));
    expect(page.entries).toHaveLength(3);
    while (page.next) {
      page = await repo.judgments.newest({ limit: 3, before: page.next });
      seen.push(...ids(page));
    }
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
    const created = seen.map((id) => times[Number(id.slice(1))]!);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    expect(page.next).toBeNull();
  });

  test('pages across scan batches (450 judgments, pages of 120, many equal timestamps)', async () => {
    for (let i = 0; i < 450; i++) {
      await repo.judgments.put(
        makeJudgment({ id: `j${String(i).padStart(3, '0')}`, createdAt: Math.floor(i / 7) }),
      );
    }
    const seen: string[] = [];
    let page = await repo.judgments.newest({ limit: 120 });
    const sizes = [page.entries.length];
    seen.push(...ids(page));
    while (page.next) {
      page = await repo.judgments.newest({ limit: 120, before: page.next });
      sizes.push(page.entries.length);
      seen.push(...ids(page));
    }
    expect(sizes).toEqual([120, 120, 120, 90]);
    // Newest first, ties broken by id descending: exactly the reverse of insertion order.
    expect(seen).toEqual(
      Array.from({ length: 450 }, (_, i) => `j${String(449 - i).padStart(3, '0')}`),
    );
    const search = await repo.judgments.newest({ query: 'berlin', limit: 10, scanLimit: 300 });
    expect(search.scanned).toBe(300);
    expect(search.entries).toHaveLength(0);
    expect(search.next).toEqual({ createdAt: 21, id: 'j150' });
  }, 60_000);

  test('a page exactly at the end has no next cursor; an empty store gives an empty page', async () => {
    expect(await repo.judgments.newest()).toEqual({ entries: [], next: null, scanned: 0 });
    await repo.judgments.put(makeJudgment({ id: 'a', createdAt: 1 }));
    await repo.judgments.put(makeJudgment({ id: 'b', createdAt: 2 }));
    const page = await repo.judgments.newest({ limit: 2 });
    expect(ids(page)).toEqual(['b', 'a']);
    expect(page.next).toBeNull();
  });

  test('entries carry their item (undefined when it is gone)', async () => {
    await repo.items.put(makeItem());
    await repo.judgments.put(makeJudgment({ id: 'a', createdAt: 2 }));
    await repo.judgments.put(makeJudgment({ id: 'b', itemId: 'deleted', createdAt: 1 }));
    const page = await repo.judgments.newest();
    expect(page.entries[0]?.item?.prompt).toBe('What is the capital of France?');
    expect(page.entries[1]?.item).toBeUndefined();
  });
});

describe('search', () => {
  beforeEach(async () => {
    await repo.items.put(
      makeItem({
        id: 'paris',
        prompt: 'Capital of France?',
        responseA: 'Paris',
        responseB: 'Lyon',
      }),
    );
    await repo.items.put(
      makeItem({
        id: 'code',
        prompt: 'Write fizzbuzz',
        responseA: 'for i in range(100)',
        responseB: 'print(1)',
        reference: 'Use modulo',
      }),
    );
    await repo.judgments.put(
      makeJudgment({ id: 'p1', itemId: 'paris', createdAt: 1, text: 'Both mention a city.' }),
    );
    await repo.judgments.put(
      makeJudgment({
        id: 'c1',
        itemId: 'code',
        createdAt: 2,
        modelId: 'Llama-3.2-3B',
        text: 'A loops correctly.',
      }),
    );
    await repo.judgments.put(
      makeJudgment({ id: 'c2', itemId: 'code', createdAt: 3, text: 'B is INCOMPLETE.' }),
    );
  });

  test.each([
    ['prompt', 'france', ['p1']],
    ['response A', 'RANGE(100)', ['c2', 'c1']],
    ['response B', 'lyon', ['p1']],
    ['reference', 'modulo', ['c2', 'c1']],
    ['judgment text', 'incomplete', ['c2']],
    ['model id', 'llama', ['c1']],
    ['all terms must match', 'fizzbuzz loops', ['c1']],
    ['no match', 'berlin', []],
    ['blank query matches all', '   ', ['c2', 'c1', 'p1']],
  ])('by %s', async (_what, query, expected) => {
    expect(ids(await repo.judgments.newest({ query }))).toEqual(expected);
  });

  test('a search pages with the cursor like a plain listing', async () => {
    const first = await repo.judgments.newest({ query: 'fizzbuzz', limit: 1 });
    expect(ids(first)).toEqual(['c2']);
    expect(first.next).not.toBeNull();
    const second = await repo.judgments.newest({ query: 'fizzbuzz', limit: 1, before: first.next });
    expect(ids(second)).toEqual(['c1']);
  });

  test('scanLimit bounds the work of one call and the cursor resumes the scan', async () => {
    for (let i = 0; i < 20; i++) {
      await repo.judgments.put(makeJudgment({ id: `n${i}`, itemId: 'paris', createdAt: 100 + i }));
    }
    const page = await repo.judgments.newest({ query: 'fizzbuzz', limit: 5, scanLimit: 10 });
    expect(page.entries).toEqual([]);
    expect(page.scanned).toBe(10);
    expect(page.next).not.toBeNull();
    const rest = await repo.judgments.newest({ query: 'fizzbuzz', limit: 5, before: page.next });
    expect(ids(rest)).toEqual(['c2', 'c1']);
  });
});

describe('history rows (loadOlder)', () => {
  /**
   * Oldest first: pairs p0..p2 judged on the Judge page, then a 200-judgment batch run over a
   * dataset, then pair p3 and a second batch run of 130, then pair p4 (the newest).
   */
  async function seedMixed(): Promise<void> {
    await repo.datasets.put(makeDataset({ id: 'ds-1', name: 'LLMBar Natural' }));
    let t = 0;
    const pair = async (n: number) => {
      const runId = `pair-${n}`;
      await repo.items.put(makeItem({ id: `pi-${n}`, datasetId: undefined, prompt: `Pair ${n}?` }));
      await repo.runs.put(makeRun({ id: runId, datasetId: undefined, createdAt: t }));
      for (const order of ['AB', 'BA'] as const) {
        await repo.judgments.put(
          makeJudgment({
            id: `${runId}-${order}`,
            runId,
            itemId: `pi-${n}`,
            order,
            createdAt: t++,
          }),
        );
      }
    };
    const batch = async (runId: string, items: number) => {
      await repo.runs.put(
        makeRun({
          id: runId,
          datasetId: 'ds-1',
          createdAt: t,
          status: 'done',
          progress: { total: items * 2, done: items * 2, failed: 0 },
        }),
      );
      const js = [];
      for (let i = 0; i < items; i++) {
        await repo.items.put(makeItem({ id: `${runId}-i${i}`, datasetId: 'ds-1', index: i }));
        for (const order of ['AB', 'BA'] as const) {
          js.push(
            makeJudgment({
              id: `${runId}-${i}-${order}`,
              runId,
              itemId: `${runId}-i${i}`,
              order,
              createdAt: t++,
            }),
          );
        }
      }
      await repo.judgments.putMany(js);
    };
    for (const n of [0, 1, 2]) await pair(n);
    await batch('batch-1', 100);
    await pair(3);
    await batch('batch-2', 65);
    await pair(4);
  }

  const describeRow = (r: HistoryRow) =>
    r.kind === 'run' ? `run ${r.runId} (${r.datasetName})` : `pair ${r.runId} ${r.records.length}`;

  test('every "Load older" adds a row until the end; each batch run is one run row, pairs stay pairs', async () => {
    await seedMixed();
    const facts = new Map<string, RunFacts>();
    let rows: HistoryRow[] = [];
    let next = null as Parameters<typeof loadOlder>[1]['before'];
    const sizes: number[] = [];
    do {
      const load = await loadOlder(repo, { rows, before: next, query: '', limit: 60, facts });
      // A click that shows nothing new would leave older entries out of sight.
      expect(load.rows.length).toBeGreaterThan(rows.length);
      rows = load.rows;
      next = load.next;
      sizes.push(rows.length);
    } while (next);
    expect(rows.map(describeRow)).toEqual([
      'pair pair-4 2',
      'run batch-2 (LLMBar Natural)',
      'pair pair-3 2',
      'run batch-1 (LLMBar Natural)',
      'pair pair-2 2',
      'pair pair-1 2',
      'pair pair-0 2',
    ]);
    expect(sizes.length).toBeLessThanOrEqual(rows.length);
  });

  test('a search lists the runs and pairs it matches, a batch run as one row', async () => {
    await seedMixed();
    const facts = new Map<string, RunFacts>();
    const load = await loadOlder(repo, {
      rows: [],
      before: null,
      query: 'capital of france',
      limit: 60,
      facts,
    });
    // Batch items carry the fixture prompt; the pairs' own prompts do not match.
    const all: HistoryRow[] = [...load.rows];
    let next = load.next;
    while (next) {
      const more = await loadOlder(repo, {
        rows: all,
        before: next,
        query: 'capital of france',
        limit: 60,
        facts,
      });
      all.splice(0, all.length, ...more.rows);
      next = more.next;
    }
    expect(all.map(describeRow)).toEqual([
      'run batch-2 (LLMBar Natural)',
      'run batch-1 (LLMBar Natural)',
    ]);
  });
});
