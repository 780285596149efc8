// The Run page's results window on fake-indexeddb: only rows on screen (with a margin) are read, a filter's subset, a live refresh, a deleted run.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DetailWindow, type DetailView } from '../../src/lib/run/detail-window';
import { createRepositories, type Repositories } from '../../src/lib/store';
import { makeDataset, makeItem, makeJudgment, makeRun, openTestDb } from '../store/fixtures';

let db: Awaited<ReturnType<typeof openTestDb>>;
let repos: Repositories;

const N = 200;

beforeEach(async () => {
  db = await openTestDb();
  repos = createRepositories(db.db);
  const items = Array.from({ length: N }, (_, i) =>
    makeItem({ id: `it-${i}`, index: i, category: i % 2 ? 'odd' : 'even' }),
  );
  await repos.datasets.import(makeDataset({ id: 'ds-1' }), items);
  await repos.runs.put(makeRun({ id: 'run-1' }));
  // Item 0 judged in both orders, item 150 in one.
  await repos.judgments.putMany([
    makeJudgment({ id: 'j-0a', itemId: 'it-0', order: 'AB', key: 'k0a' }),
    makeJudgment({ id: 'j-0b', itemId: 'it-0', order: 'BA', key: 'k0b', verdict: 'A' }),
    makeJudgment({ id: 'j-150', itemId: 'it-150', order: 'AB', key: 'k150' }),
  ]);
});
afterEach(async () => {
  await db.close();
});

function view(): DetailView {
  return { detail: null, detailItems: [], results: {}, detailError: null };
}

describe('DetailWindow', () => {
  test('opens a run and reads only the first page with its margin', async () => {
    const v = view();
    await new DetailWindow(v, () => Promise.resolve(repos)).open('run-1');
    expect(v.detail?.id).toBe('run-1');
    expect(v.detailItems).toHaveLength(N);
    // Rows [0, 40) and 30 beyond.
    expect(Object.keys(v.results)).toHaveLength(70);
    expect(v.results['it-0']).toMatchObject({ itemId: 'it-0', verdictAB: 'A', verdictBA: 'A' });
    expect(v.results['it-1']).toMatchObject({ verdict: null });
    expect(v.results['it-150']).toBeUndefined();
  });

  test('scrolling reads the rows now on screen, keeping those read', async () => {
    const v = view();
    const w = new DetailWindow(v, () => Promise.resolve(repos));
    await w.open('run-1');
    await w.show(140, 160);
    expect(v.results['it-150']).toMatchObject({ verdictAB: 'A' });
    expect(v.results['it-0']).toBeDefined();
    expect(v.results['it-110']).toBeDefined();
    expect(v.results['it-109']).toBeUndefined();
  });

  test('a run with a subset filter shows only its items', async () => {
    await repos.runs.put(
      makeRun({
        id: 'run-odd',
        spec: {
          filter: { categories: ['odd'], limit: 5 },
          options: {
            bothOrders: true,
            allowTie: true,
            samples: 1,
            temperature: 0,
            seed: 42,
            maxTokens: 256,
            logprobs: false,
            constrained: false,
          },
          thinking: false,
        },
      }),
    );
    const v = view();
    await new DetailWindow(v, () => Promise.resolve(repos)).open('run-odd');
    expect(v.detailItems.map((i) => i.id)).toEqual(['it-1', 'it-3', 'it-5', 'it-7', 'it-9']);
  });

  test('a refresh re-reads the visible rows and the run record', async () => {
    const v = view();
    const w = new DetailWindow(v, () => Promise.resolve(repos));
    await w.open('run-1');
    await repos.judgments.putMany([makeJudgment({ id: 'j-1', itemId: 'it-1', key: 'k1' })]);
    await repos.runs.update('run-1', { status: 'done' });
    await w.load();
    expect(v.results['it-1']?.verdictAB).toBeNull();
    await w.load(true);
    expect(v.results['it-1']?.verdictAB).toBe('A');
    expect(v.detail?.status).toBe('done');
  });

  test('a deleted run shows an error; reopen leaves other runs alone', async () => {
    const v = view();
    const w = new DetailWindow(v, () => Promise.resolve(repos));
    await w.open('gone');
    expect(v.detail).toBeNull();
    expect(String(v.detailError)).toMatch(/does not exist/);
    await w.reopen('run-1');
    expect(v.detail).toBeNull();
  });
});
