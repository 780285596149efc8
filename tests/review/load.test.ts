// Review over the store (fake-indexeddb): a seeded run read back through the repositories gives the core's numbers.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { pairwiseMetrics } from '../../src/lib/judge';
import { createRepositories, type Repositories } from '../../src/lib/store';
import { readRun } from '../../src/lib/review/load';
import { buildRows, toPairRecord } from '../../src/lib/review/rows';
import { buildDashboard } from '../../src/lib/review/dashboard';
import { openTestDb } from '../store/fixtures';
import { llmbarFixture, makeJudgment, makeRunRecord } from './fixtures';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function seeded(): Promise<{ repos: Repositories; f: ReturnType<typeof llmbarFixture> }> {
  const t = await openTestDb();
  close = t.close;
  const repos = createRepositories(t.db);
  const f = llmbarFixture();
  await repos.datasets.import(f.dataset, f.items);
  for (const r of f.runs) await repos.runs.put(r);
  for (const j of f.judgments) await repos.judgments.put(j);
  return { repos, f };
}

describe('readRun', () => {
  it('reads a dataset run back whole, and its numbers equal the core on the fixture', async () => {
    const { repos, f } = await seeded();
    const loaded = await readRun(repos, 'run-llmbar');
    expect(loaded).not.toBeNull();
    expect(loaded!.judgments).toHaveLength(838);
    expect(loaded!.items).toHaveLength(419);
    expect(loaded!.dataset?.name).toBe('LLMBar');
    const rows = buildRows({ ...loaded!, labels: [...loaded!.labels.values()] });
    const direct = buildRows({
      run: f.runs[0],
      judgments: f.judgments,
      items: f.items,
      labels: [],
    });
    const d = buildDashboard(rows);
    expect(d.overall.metrics.accuracy).toBeCloseTo(
      pairwiseMetrics(direct.map(toPairRecord)).threeWayAgreement,
      12,
    );
  }, 60_000);

  it('labels set with LabelStore.set come back, and the judgments stay as they were', async () => {
    const { repos } = await seeded();
    const before = await repos.judgments.byRun('run-llmbar');
    await repos.labels.set('llmbar-natural-000', 'B', 'gold looks wrong');
    const loaded = await readRun(repos, 'run-llmbar');
    expect(loaded!.labels.get('llmbar-natural-000')).toMatchObject({
      label: 'B',
      note: 'gold looks wrong',
      datasetId: 'ds-llmbar',
    });
    expect(await repos.judgments.byRun('run-llmbar')).toEqual(before);
  }, 60_000);

  it('a one-pair run (no dataset) reads its item and label by id; an unknown run is null', async () => {
    const { repos, f } = await seeded();
    const item = { ...f.items[0]!, id: 'pair-1', datasetId: undefined };
    delete (item as { datasetId?: string }).datasetId;
    await repos.items.put(item);
    await repos.runs.put(makeRunRecord('run-pair', { datasetId: undefined }));
    await repos.judgments.put(makeJudgment('run-pair', 'pair-1', 'AB', 'A'));
    await repos.labels.set('pair-1', 'A');
    const loaded = await readRun(repos, 'run-pair');
    expect(loaded!.items.map((i) => i?.id)).toEqual(['pair-1']);
    expect(loaded!.labels.get('pair-1')?.label).toBe('A');
    expect(await readRun(repos, 'nope')).toBeNull();
  }, 60_000);
});
