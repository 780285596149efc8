// ItemStore.putMany, the import's batch write: plain requests in one transaction, all or nothing.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createRepositories, StoreError, type Repositories } from '../../src/lib/store';
import { makeItem, openTestDb } from './fixtures';

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

test('a batch is written whole, in dataset order, with relaxed durability too', async () => {
  const items = [0, 1, 2].map((i) => makeItem({ id: `b-${i}`, index: i, datasetId: 'ds-b' }));
  await repo.items.putMany(items, { durability: 'relaxed' });
  expect((await repo.items.byDataset('ds-b')).map((i) => i.id)).toEqual(['b-0', 'b-1', 'b-2']);
});

test('one bad record rolls the whole batch back and rejects with a StoreError', async () => {
  const bad = [
    makeItem({ id: 'x-0', index: 0, datasetId: 'ds-x' }),
    { ...makeItem({ id: 'x-1', index: 1, datasetId: 'ds-x' }), meta: { fn: () => 1 } },
    makeItem({ id: 'x-2', index: 2, datasetId: 'ds-x' }),
  ];
  await expect(repo.items.putMany(bad)).rejects.toBeInstanceOf(StoreError);
  expect(await repo.items.countInDataset('ds-x')).toBe(0);
});
