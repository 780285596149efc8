// The start-up sweep removes items whose import never wrote its dataset record, and nothing else.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { sweepOrphanItems } from '../../src/lib/data/orphans';
import { createRepositories, type Repositories } from '../../src/lib/store';
import { makeDataset, makeItem, openTestDb } from '../store/fixtures';

let close: () => Promise<void>;
let repos: Repositories;

beforeEach(async () => {
  const t = await openTestDb();
  close = t.close;
  repos = createRepositories(t.db);
});
afterEach(async () => {
  await close();
});

test('items without a dataset record are swept; datasets, one-pair items and other items stay', async () => {
  await repos.datasets.import(
    makeDataset({ id: 'kept' }),
    [0, 1, 2].map((i) => makeItem({ id: `kept:${i}`, index: i })),
  );
  // What a tab closed mid-import leaves: items, and no dataset record (it is written last).
  await repos.items.putMany(
    Array.from({ length: 1200 }, (_, i) =>
      makeItem({ id: `gone:${i}`, datasetId: 'gone', index: i }),
    ),
  );
  await repos.items.putMany([makeItem({ id: 'a:0', datasetId: 'a', index: 0 })]);
  const onePair = makeItem({ id: 'one-pair', index: 0 });
  delete onePair.datasetId;
  await repos.items.put(onePair);

  expect(await repos.items.datasetIds()).toEqual(['a', 'gone', 'kept']);
  expect((await sweepOrphanItems(repos)).sort()).toEqual(['a', 'gone']);
  expect(await repos.items.datasetIds()).toEqual(['kept']);
  expect(await repos.items.countInDataset('kept')).toBe(3);
  expect(await repos.items.countInDataset('gone')).toBe(0);
  expect(await repos.items.get('one-pair')).toBeDefined();
  // Nothing left to sweep.
  expect(await sweepOrphanItems(repos)).toEqual([]);
});
