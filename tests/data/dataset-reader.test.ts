// The dataset reader opens a stored dataset into a view, keeps a bounded item window and counts labels in pages.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  DatasetReader,
  dropFarChunks,
  labelDistribution,
  MAX_CHUNKS,
  type DatasetDetailView,
} from '../../src/lib/data/dataset-reader';
import { createRepositories, type ItemLabel, type Repositories } from '../../src/lib/store';
import { makeDataset, makeItem, openTestDb } from '../store/fixtures';

let close: () => Promise<void>;
let repos: Repositories;
let view: DatasetDetailView;
let reader: DatasetReader;

beforeEach(async () => {
  const t = await openTestDb();
  close = t.close;
  repos = createRepositories(t.db);
  view = { detail: null, detailMissing: false, detailError: null, chunks: {}, distribution: null };
  reader = new DatasetReader(view, { repositories: async () => repos });
});
afterEach(async () => {
  await close();
});

async function store(id: string, labels: (ItemLabel | undefined)[]): Promise<void> {
  await repos.datasets.import(
    makeDataset({ id, itemCount: labels.length }),
    labels.map((label, i) =>
      makeItem({
        id: `${id}:${i}`,
        datasetId: id,
        index: i,
        prompt: `p${i}`,
        ...(label === undefined ? { label: undefined } : { label }),
      }),
    ),
  );
}

test('open shows the record and the first rows; an unknown id shows as missing', async () => {
  await store('small', ['A', 'B', 'A']);
  await reader.open('small');
  expect(view.detail?.id).toBe('small');
  expect(reader.itemAt(2)?.prompt).toBe('p2');
  expect(reader.isRead(2)).toBe(true);
  // Read, and not there: the list shows no row rather than a placeholder.
  expect(reader.itemAt(3)).toBeUndefined();
  expect(reader.isRead(3)).toBe(true);

  await reader.open('nope');
  expect(view).toMatchObject({ detail: null, detailMissing: true, chunks: {} });
});

test('a later open wins over a slower earlier one', async () => {
  await store('first', ['A']);
  await store('second', ['B']);
  const slow = reader.open('first');
  await reader.open('second');
  await slow;
  expect(view.detail?.id).toBe('second');
  expect(reader.itemAt(0)?.id).toBe('second:0');
});

test('a read failure shows as the detail error', async () => {
  const failing = new DatasetReader(view, {
    repositories: () => Promise.reject(new Error('blocked')),
  });
  await failing.open('x');
  expect(view.detailError).toEqual(new Error('blocked'));
});

test('forget stops showing a deleted dataset, and only that one', async () => {
  await store('kept', ['A']);
  await reader.open('kept');
  reader.forget('other');
  expect(view.detail?.id).toBe('kept');
  reader.forget('kept');
  expect(view.detail).toBeNull();
});

test('dropFarChunks keeps the MAX_CHUNKS chunks nearest the centre', () => {
  const chunks = Object.fromEntries(Array.from({ length: 40 }, (_, c) => [c, c]));
  const kept = Object.keys(dropFarChunks(chunks, 39)).map(Number);
  expect(kept).toHaveLength(MAX_CHUNKS);
  expect(Math.min(...kept)).toBe(10);
  expect(Object.keys(dropFarChunks({ 1: 1, 2: 2 }, 0))).toEqual(['1', '2']);
});

test('labelDistribution counts over pages, in the order A, B, tie, scores, none', async () => {
  const labels = Array.from({ length: 2_500 }, (_, i) =>
    i < 1_200
      ? 'A'
      : i < 2_000
        ? 'B'
        : i < 2_100
          ? 'tie'
          : i < 2_200
            ? 3
            : i < 2_300
              ? 10
              : undefined,
  );
  await store('many', labels);
  expect(await labelDistribution(repos, 'many')).toEqual([
    { label: 'A', count: 1_200 },
    { label: 'B', count: 800 },
    { label: 'tie', count: 100 },
    { label: '3', count: 100 },
    { label: '10', count: 100 },
    { label: 'none', count: 200 },
  ]);
  // Someone opened another dataset meanwhile: no counts for this one.
  expect(await labelDistribution(repos, 'many', () => false)).toBeNull();
});
