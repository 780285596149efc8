// The dataset view's virtualised item list reads chunks by index as rows come into view, and keeps memory bounded.
import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { DatasetsState } from '../../src/lib/state/datasets.svelte';
import { StorageState } from '../../src/lib/state/storage.svelte';
import { makeDataset, makeItem } from '../store/fixtures';

test('showItems reads the chunks around the visible rows only, and drops far ones beyond 30 chunks', async () => {
  const storage = new StorageState(`ds-items-${Math.random()}`);
  const repos = await storage.repositories();
  const n = 5_000;
  await repos.datasets.import(
    makeDataset({ id: 'big', itemCount: n }),
    Array.from({ length: n }, (_, i) => makeItem({ id: `big:${i}`, index: i, prompt: `p${i}` })),
  );
  const state = new DatasetsState(storage, () => {
    throw new Error('no worker needed');
  });
  await state.open('big');
  expect(state.detail?.itemCount).toBe(n);
  // Opening reads the first rows (and one chunk of margin), not the whole set.
  expect(state.itemAt(0)?.prompt).toBe('p0');
  expect(state.itemAt(150)?.prompt).toBe('p150');
  expect(state.isRead(400)).toBe(false);
  expect(Object.keys(state.chunks).length).toBe(2);

  // Jump to the end: that chunk (and its neighbour) is read, the rows before are not.
  await state.showItems(4_990, 5_000);
  expect(state.itemAt(4_999)?.prompt).toBe('p4999');
  expect(state.itemAt(4_850)?.prompt).toBe('p4850');
  expect(state.isRead(3_000)).toBe(false);

  // Scrolling through everything keeps at most 30 chunks (3,000 items) in memory.
  for (let from = 0; from < n; from += 100) await state.showItems(from, from + 10);
  expect(Object.keys(state.chunks).length).toBeLessThanOrEqual(30);
  expect(state.itemAt(4_999)?.prompt).toBe('p4999');
  expect(state.isRead(0)).toBe(false);
  // Scrolling back reads it again.
  await state.showItems(0, 10);
  expect(state.itemAt(0)?.prompt).toBe('p0');
}, 60_000);
