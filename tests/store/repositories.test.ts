// Repositories over fake-indexeddb: CRUD, indexes, cascades and the one-pair journey.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createRepositories, StoreError, type Repositories } from '../../src/lib/store';
import type { ArbiterDatabase } from '../../src/lib/store/db';
import { makeDataset, makeItem, makeJudgment, makeRun, openTestDb } from './fixtures';

let db: ArbiterDatabase;
let close: () => Promise<void>;
let repo: Repositories;

beforeEach(async () => {
  ({ db, close } = await openTestDb());
  repo = createRepositories(db);
});
afterEach(async () => {
  await close();
});

describe('datasets and items', () => {
  test('import writes the dataset and its items atomically, in dataset order', async () => {
    const items = [2, 0, 1].map((i) => makeItem({ id: `it-${i}`, index: i, datasetId: 'other' }));
    const saved = await repo.datasets.import(makeDataset(), items);
    expect(saved.itemCount).toBe(3);
    expect(await repo.datasets.get('ds-1')).toEqual(saved);
    const listed = await repo.items.byDataset('ds-1');
    expect(listed.map((i) => i.id)).toEqual(['it-0', 'it-1', 'it-2']);
    expect(listed.every((i) => i.datasetId === 'ds-1')).toBe(true);
    expect(await repo.items.countInDataset('ds-1')).toBe(3);
    expect((await repo.items.byDataset('ds-1', { from: 1, limit: 1 })).map((i) => i.id)).toEqual([
      'it-1',
    ]);
  });

  test('a failed import leaves nothing behind', async () => {
    const bad = [makeItem({ id: 'ok' }), { ...makeItem({ id: 'bad' }), meta: { fn: () => 1 } }];
    await expect(repo.datasets.import(makeDataset(), bad)).rejects.toBeInstanceOf(StoreError);
    expect(await repo.datasets.get('ds-1')).toBeUndefined();
    expect(await repo.items.get('ok')).toBeUndefined();
  });

  test('list is newest first', async () => {
    await repo.datasets.put(makeDataset({ id: 'old', createdAt: 1 }));
    await repo.datasets.put(makeDataset({ id: 'new', createdAt: 3 }));
    await repo.datasets.put(makeDataset({ id: 'mid', createdAt: 2 }));
    expect((await repo.datasets.list()).map((d) => d.id)).toEqual(['new', 'mid', 'old']);
  });

  test('one-pair items (no datasetId) are not in any dataset', async () => {
    const { datasetId: _, ...loose } = makeItem({ id: 'pair' });
    await repo.items.put(loose);
    await repo.datasets.import(makeDataset(), [makeItem()]);
    expect(await repo.items.get('pair')).toEqual(loose);
    expect((await repo.items.byDataset('ds-1')).map((i) => i.id)).toEqual(['item-1']);
    expect(await repo.items.getMany(['pair', 'nope', 'item-1'])).toEqual([
      loose,
      undefined,
      makeItem(),
    ]);
  });

  test('deleting a dataset deletes its items, labels, runs and their judgments only', async () => {
    await repo.datasets.import(makeDataset(), [makeItem()]);
    await repo.datasets.import(makeDataset({ id: 'ds-2' }), [makeItem({ id: 'item-2' })]);
    await repo.labels.set('item-1', 'B', 'wrong gold');
    await repo.labels.set('item-2', 'A');
    await repo.runs.put(makeRun());
    await repo.runs.put(makeRun({ id: 'run-2', datasetId: 'ds-2' }));
    await repo.judgments.put(makeJudgment());
    await repo.judgments.put(makeJudgment({ id: 'j-2', runId: 'run-2', itemId: 'item-2' }));

    await repo.datasets.delete('ds-1');

    expect(await repo.datasets.get('ds-1')).toBeUndefined();
    expect(await repo.items.get('item-1')).toBeUndefined();
    expect(await repo.labels.get('item-1')).toBeUndefined();
    expect(await repo.runs.get('run-1')).toBeUndefined();
    expect(await repo.judgments.get('j-1')).toBeUndefined();
    expect(await repo.items.get('item-2')).toBeDefined();
    expect(await repo.labels.get('item-2')).toBeDefined();
    expect(await repo.runs.get('run-2')).toBeDefined();
    expect(await repo.judgments.count()).toBe(1);
  });
});

describe('runs', () => {
  test('update patches fields in place and stamps updatedAt', async () => {
    await repo.runs.put(makeRun());
    const next = await repo.runs.update(
      'run-1',
      { progress: { total: 2, done: 1, failed: 0 } },
      42,
    );
    expect(next.progress.done).toBe(1);
    expect(next.updatedAt).toBe(42);
    expect(next.status).toBe('running');
    expect(await repo.runs.get('run-1')).toEqual(next);
    await expect(repo.runs.update('nope', { status: 'done' })).rejects.toBeInstanceOf(StoreError);
  });

  test('list is newest first with a limit; byStatus finds resumable runs', async () => {
    await repo.runs.put(makeRun({ id: 'a', createdAt: 1, status: 'done' }));
    await repo.runs.put(makeRun({ id: 'b', createdAt: 2, status: 'paused' }));
    await repo.runs.put(makeRun({ id: 'c', createdAt: 3, status: 'running' }));
    expect((await repo.runs.list()).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect((await repo.runs.list({ limit: 2 })).map((r) => r.id)).toEqual(['c', 'b']);
    expect((await repo.runs.byStatus()).map((r) => r.id)).toEqual(['c', 'b']);
    expect((await repo.runs.byStatus(['done'])).map((r) => r.id)).toEqual(['a']);
    expect((await repo.runs.byDataset('ds-1')).map((r) => r.id)).toEqual(['c', 'b', 'a']);
  });

  test('one pair: a run and an item without dataset; deleting the run removes both', async () => {
    const { datasetId: _d, ...pair } = makeItem({ id: 'pair' });
    const { datasetId: _r, ...run } = makeRun({ id: 'one' });
    await repo.items.put(pair);
    await repo.runs.put(run);
    await repo.labels.set('pair', 'A', 'obvious');
    await repo.judgments.put(makeJudgment({ id: 'ab', runId: 'one', itemId: 'pair' }));
    await repo.judgments.put(makeJudgment({ id: 'ba', runId: 'one', itemId: 'pair', order: 'BA' }));
    expect(await repo.labels.get('pair')).toMatchObject({ label: 'A', note: 'obvious' });
    expect((await repo.labels.get('pair'))?.datasetId).toBeUndefined();

    await repo.runs.delete('one');
    expect(await repo.runs.get('one')).toBeUndefined();
    expect(await repo.judgments.count()).toBe(0);
    expect(await repo.items.get('pair')).toBeUndefined();
    expect(await repo.labels.get('pair')).toBeUndefined();
  });

  test('deleting a run keeps dataset items and one-pair items another run still uses', async () => {
    await repo.datasets.import(makeDataset(), [makeItem()]);
    const { datasetId: _d, ...pair } = makeItem({ id: 'pair' });
    await repo.items.put(pair);
    await repo.runs.put(makeRun());
    await repo.runs.put(makeRun({ id: 'run-2' }));
    await repo.judgments.put(makeJudgment({ id: 'a' }));
    await repo.judgments.put(makeJudgment({ id: 'b', itemId: 'pair' }));
    await repo.judgments.put(makeJudgment({ id: 'c', runId: 'run-2', itemId: 'pair' }));
    await repo.runs.delete('run-1');
    expect(await repo.items.get('item-1')).toBeDefined();
    expect(await repo.items.get('pair')).toBeDefined();
    expect((await repo.judgments.byRun('run-2')).map((j) => j.id)).toEqual(['c']);
  });
});

describe('labels', () => {
  test('set copies the item datasetId, replaces earlier labels, byDataset reads them', async () => {
    await repo.datasets.import(makeDataset(), [makeItem(), makeItem({ id: 'item-2', index: 1 })]);
    await repo.labels.set('item-1', 'A', 'first', 1);
    await repo.labels.set('item-1', 'tie', 'second thought', 2);
    await repo.labels.set('item-2', null, 'unsure', 3);
    expect(await repo.labels.get('item-1')).toEqual({
      itemId: 'item-1',
      label: 'tie',
      note: 'second thought',
      updatedAt: 2,
      datasetId: 'ds-1',
    });
    expect((await repo.labels.byDataset('ds-1')).map((l) => l.itemId).sort()).toEqual([
      'item-1',
      'item-2',
    ]);
    await repo.labels.delete('item-2');
    expect(await repo.labels.byDataset('ds-1')).toHaveLength(1);
  });
});

describe('judgments: CRUD and indexes', () => {
  test('put, get, replace, delete', async () => {
    const j = makeJudgment();
    await repo.judgments.put(j);
    expect(await repo.judgments.get('j-1')).toEqual(j);
    await repo.judgments.put({ ...j, verdict: 'B' });
    expect((await repo.judgments.get('j-1'))?.verdict).toBe('B');
    expect(await repo.judgments.count()).toBe(1);
    await repo.judgments.delete('j-1');
    expect(await repo.judgments.get('j-1')).toBeUndefined();
    await repo.judgments.delete('j-1');
  });

  test('byKey returns every record of a key, newest first (the key index is not unique)', async () => {
    await repo.judgments.put(makeJudgment({ id: 'x1', key: 'K', createdAt: 1 }));
    await repo.judgments.put(makeJudgment({ id: 'x2', key: 'K', createdAt: 2, runId: 'run-2' }));
    await repo.judgments.put(makeJudgment({ id: 'y', key: 'L' }));
    expect((await repo.judgments.byKey('K')).map((j) => j.id)).toEqual(['x2', 'x1']);
    expect(await repo.judgments.byKey('none')).toEqual([]);
    expect(await repo.judgments.existingKeys(['K', 'L', 'M', 'K'])).toEqual(new Set(['K', 'L']));
  });

  test('byKeys reads several keys in one go: per key what byKey returns, in the order asked', async () => {
    await repo.judgments.put(makeJudgment({ id: 'x1', key: 'K', createdAt: 1 }));
    await repo.judgments.put(makeJudgment({ id: 'x2', key: 'K', createdAt: 2, runId: 'run-2' }));
    await repo.judgments.put(makeJudgment({ id: 'y', key: 'L' }));
    const got = await repo.judgments.byKeys(['none', 'K', 'L']);
    expect(got.map((rs) => rs.map((j) => j.id))).toEqual([[], ['x2', 'x1'], ['y']]);
    expect(got[1]).toEqual(await repo.judgments.byKey('K'));
    expect(await repo.judgments.byKeys([])).toEqual([]);
  });

  test('byRun is oldest first and limited to the run; byItem spans runs; count and deleteRun', async () => {
    await repo.judgments.put(makeJudgment({ id: 'b', createdAt: 2 }));
    await repo.judgments.put(makeJudgment({ id: 'a', createdAt: 1 }));
    await repo.judgments.put(makeJudgment({ id: 'c', createdAt: 2 }));
    await repo.judgments.put(makeJudgment({ id: 'z', runId: 'run-10', createdAt: 0 }));
    await repo.judgments.put(makeJudgment({ id: 'q', runId: 'run-2', itemId: 'other' }));
    expect((await repo.judgments.byRun('run-1')).map((j) => j.id)).toEqual(['a', 'b', 'c']);
    expect((await repo.judgments.byItem('item-1')).map((j) => j.id).sort()).toEqual([
      'a',
      'b',
      'c',
      'z',
    ]);
    expect(await repo.judgments.count('run-1')).toBe(3);
    expect(await repo.judgments.count()).toBe(5);
    expect(await repo.judgments.deleteRun('run-1')).toBe(3);
    expect(await repo.judgments.count()).toBe(2);
    expect(await repo.judgments.count('run-10')).toBe(1);
  });

  test('putMany writes a batch and the run patch together, or nothing of either', async () => {
    await repo.runs.put(makeRun());
    const batch = [0, 1, 2].map((i) => makeJudgment({ id: `pm-${i}`, key: `K${i}` }));
    await repo.judgments.putMany(batch, {
      id: 'run-1',
      patch: { progress: { total: 6, done: 3, failed: 0 } },
      now: 42,
    });
    expect(await repo.judgments.count('run-1')).toBe(3);
    expect(await repo.runs.get('run-1')).toMatchObject({ progress: { done: 3 }, updatedAt: 42 });
    // An uncloneable record in the middle: the whole batch and the run patch are rolled back.
    const bad = [
      makeJudgment({ id: 'pm-3' }),
      { ...makeJudgment({ id: 'pm-4' }), meta: { fn: () => 1 } } as never,
      makeJudgment({ id: 'pm-5' }),
    ];
    await expect(
      repo.judgments.putMany(bad, {
        id: 'run-1',
        patch: { progress: { total: 6, done: 6, failed: 0 } },
      }),
    ).rejects.toBeInstanceOf(StoreError);
    expect(await repo.judgments.existingIds(['pm-3', 'pm-4', 'pm-5'])).toEqual(new Set());
    expect((await repo.runs.get('run-1'))?.progress.done).toBe(3);
    // A missing run rolls back the judgments too.
    await expect(
      repo.judgments.putMany([makeJudgment({ id: 'pm-6' })], { id: 'gone', patch: {} }),
    ).rejects.toBeInstanceOf(StoreError);
    expect(await repo.judgments.get('pm-6')).toBeUndefined();
  });

  test('all() streams in batches, oldest first, per run or everything', async () => {
    for (let i = 0; i < 7; i++) {
      await repo.judgments.put(makeJudgment({ id: `r1-${i}`, createdAt: 100 - i }));
      await repo.judgments.put(makeJudgment({ id: `r2-${i}`, runId: 'run-2', createdAt: 100 - i }));
    }
    const ids: string[] = [];
    for await (const j of repo.judgments.all({ runId: 'run-1', batchSize: 3 })) ids.push(j.id);
    expect(ids).toEqual(['r1-6', 'r1-5', 'r1-4', 'r1-3', 'r1-2', 'r1-1', 'r1-0']);
    const every: string[] = [];
    for await (const j of repo.judgments.all({ batchSize: 2 })) every.push(j.id);
    expect(every).toHaveLength(14);
    expect(new Set(every).size).toBe(14);
    expect(every.slice(0, 2)).toEqual(['r1-6', 'r2-6']);
    const withItems: string[] = [];
    await repo.items.put(makeItem());
    for await (const e of repo.judgments.allWithItems({ runId: 'run-2', batchSize: 4 })) {
      withItems.push(`${e.judgment.id}:${e.item?.id}`);
    }
    expect(withItems).toHaveLength(7);
    expect(withItems.every((s) => s.endsWith(':item-1'))).toBe(true);
  });
});
