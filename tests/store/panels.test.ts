// The panels repository: a panel and its member runs are written together and read in order; a deleted member leaves its panel.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  createRepositories,
  StoreError,
  type PanelRecord,
  type Repositories,
} from '../../src/lib/store';
import { makeDataset, makeItem, makeRun, openTestDb } from './fixtures';

let close: () => Promise<void>;
let repos: Repositories;

beforeEach(async () => {
  const t = await openTestDb();
  close = t.close;
  repos = createRepositories(t.db);
  await repos.datasets.put(makeDataset({ itemCount: 1 }));
  await repos.items.put(makeItem());
});
afterEach(() => close());

function panel(over: Partial<PanelRecord> = {}): PanelRecord {
  return {
    id: 'panel-1',
    name: 'Three judges',
    datasetId: 'ds-1',
    protocol: 'pairwise',
    memberRunIds: ['run-b', 'run-a'],
    createdAt: 10,
    updatedAt: 10,
    ...over,
  };
}

describe('PanelStore', () => {
  test('create writes the panel and its runs; members come back in the chosen order', async () => {
    await repos.panels.create(panel(), [
      makeRun({ id: 'run-a', panelId: 'panel-1', createdAt: 1 }),
      makeRun({ id: 'run-b', panelId: 'panel-1', createdAt: 2 }),
    ]);
    const p = await repos.panels.get('panel-1');
    expect(p?.memberRunIds).toEqual(['run-b', 'run-a']);
    expect((await repos.panels.members(p!)).map((r) => r.id)).toEqual(['run-b', 'run-a']);
    expect((await repos.runs.get('run-a'))?.panelId).toBe('panel-1');
  });

  test('a run that is not a member rejects the whole create: nothing is written', async () => {
    await expect(
      repos.panels.create(panel(), [
        makeRun({ id: 'run-a', panelId: 'panel-1' }),
        makeRun({ id: 'run-x', panelId: 'panel-1' }),
      ]),
    ).rejects.toBeInstanceOf(StoreError);
    await expect(
      repos.panels.create(panel(), [makeRun({ id: 'run-a' /* no panelId */ })]),
    ).rejects.toBeInstanceOf(StoreError);
    expect(await repos.panels.list()).toEqual([]);
    expect(await repos.runs.list()).toEqual([]);
  });

  test('list and byDataset are newest first', async () => {
    await repos.panels.put(panel({ id: 'panel-old', createdAt: 1 }));
    await repos.panels.put(panel({ id: 'panel-new', createdAt: 5 }));
    await repos.panels.put(panel({ id: 'panel-other', datasetId: 'ds-2', createdAt: 3 }));
    expect((await repos.panels.list()).map((p) => p.id)).toEqual([
      'panel-new',
      'panel-other',
      'panel-old',
    ]);
    expect((await repos.panels.byDataset('ds-1')).map((p) => p.id)).toEqual([
      'panel-new',
      'panel-old',
    ]);
  });

  test('deleting one member run takes it out of its panel; the last one takes the panel', async () => {
    await repos.panels.create(panel(), [
      makeRun({ id: 'run-a', panelId: 'panel-1' }),
      makeRun({ id: 'run-b', panelId: 'panel-1' }),
    ]);
    await repos.runs.delete('run-b');
    expect((await repos.panels.get('panel-1'))?.memberRunIds).toEqual(['run-a']);
    await repos.runs.delete('run-a');
    expect(await repos.panels.get('panel-1')).toBeUndefined();
  });
});
