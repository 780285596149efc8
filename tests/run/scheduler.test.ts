// The engine scheduler on fake-indexeddb with the deterministic engine: judging waiting runs, a missing model, stop, recovery, and what other tabs hear.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ModelSpec } from '../../src/lib/engine/types';
import { getTemplate, type Template } from '../../src/lib/judge';
import { newBatchRun, type BatchProgress } from '../../src/lib/run/batch';
import {
  RunScheduler,
  type ModelLoader,
  type SchedulerHost,
  type SchedulerView,
} from '../../src/lib/run/scheduler';
import {
  createRepositories,
  type ItemRecord,
  type Repositories,
  type RunRecord,
} from '../../src/lib/store';
import { DeterministicEngine } from '../support/deterministic-engine';
import { makeDataset, makeRun, openTestDb } from '../store/fixtures';

const spec: ModelSpec = {
  modelId: 'test-judge',
  modelUrl: 'https://example.org/test-judge/',
  modelLibUrl: 'https://example.org/test-judge.wasm',
  contextWindow: 4096,
  thinking: false,
};

let db: Awaited<ReturnType<typeof openTestDb>>;
let repos: Repositories;
let channel: string;
let counter = 0;
const open: RunScheduler[] = [];

beforeEach(async () => {
  db = await openTestDb();
  repos = createRepositories(db.db);
  counter += 1;
  // A channel per test, so a test's tabs never hear another test's.
  channel = `arbiter-runs-test-${counter}`;
  const items: ItemRecord[] = Array.from({ length: 3 }, (_, i) => ({
    id: `it-${i}`,
    datasetId: 'ds-1',
    index: i,
    prompt: `Question ${i}`,
    responseA: `${i}.`,
    responseB: `${i + 1}.`,
    label: 'A' as const,
    meta: {},
  }));
  await repos.datasets.import(makeDataset({ id: 'ds-1' }), items);
});
afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  await db.close();
});

function view(): SchedulerView {
  return { live: {}, activeRunId: null, owner: false, requested: {}, error: null };
}

/** A promise and the function that resolves it. */
function signal<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** One tab: a scheduler over the shared database, recording what it tells its host. */
function tab(v: SchedulerView, over: Partial<SchedulerHost> = {}, models?: ModelLoader) {
  const calls = { refresh: 0, reopened: [] as string[], progressed: [] as string[] };
  const loader: ModelLoader = models ?? {
    loaded: { spec },
    offered: [{ spec }],
    status: 'ready',
    error: null,
    load: () => Promise.resolve(),
  };
  const scheduler = new RunScheduler(
    v,
    {
      engine: new DeterministicEngine(),
      models: loader,
      repositories: () => Promise.resolve(repos),
      engineBusyElsewhere: () => false,
      refresh: () => {
        calls.refresh += 1;
        return Promise.resolve();
      },
      reopen: (runId) => {
        calls.reopened.push(runId);
        return Promise.resolve();
      },
      progressed: (runId) => calls.progressed.push(runId),
      ...over,
    },
    channel,
  );
  open.push(scheduler);
  return { scheduler, calls };
}

async function batchRun(
  modelId = spec.modelId,
  engine: 'test' | 'openai' = 'test',
): Promise<RunRecord> {
  const run = newBatchRun({
    datasetId: 'ds-1',
    template: getTemplate('j1-pairwise') as Template,
    model: { engine, modelId, thinking: false },
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
    filter: {},
  });
  await repos.runs.put(run);
  return run;
}

describe('RunScheduler', () => {
  test('takes the engine, judges a waiting run to the end, and tells its view and another tab', async () => {
    const run = await batchRun();
    const here = view();
    const ended = signal();
    const { scheduler, calls } = tab(here, {
      reopen: (runId) => {
        if (runId === run.id) ended.resolve();
        return Promise.resolve();
      },
    });
    // Another tab hears the final progress over the channel.
    const there = view();
    const heard = signal<BatchProgress>();
    tab(there, {
      progressed: () => {
        const p = there.live[run.id];
        if (p && p.status !== 'running') heard.resolve(p);
      },
    });
    const owners: boolean[] = [];
    await scheduler.ensureWorker();
    owners.push(here.owner);
    await ended.promise;
    expect((await repos.runs.get(run.id))?.status).toBe('done');
    expect(await repos.judgments.count(run.id)).toBe(6);
    expect(here.live[run.id]).toMatchObject({ status: 'done', done: 6, total: 6 });
    expect(calls.progressed).toContain(run.id);
    expect(calls.refresh).toBeGreaterThan(0);
    const p = await heard.promise;
    expect(p).toMatchObject({ runId: run.id, status: 'done', done: 6 });
    // Owner from the loop's start; let go once no run waits.
    expect(owners).toEqual([true]);
    expect(scheduler.readOnly((await repos.runs.get(run.id)) ?? null)).toBe(false);
  });

  test('pauses a run whose model this tab cannot load, saying which model', async () => {
    const run = await batchRun('not-offered');
    const ended = signal();
    const { scheduler } = tab(view(), {
      refresh: () => {
        ended.resolve();
        return Promise.resolve();
      },
    });
    await scheduler.ensureWorker();
    await ended.promise;
    const stored = await repos.runs.get(run.id);
    expect(stored?.status).toBe('paused');
    expect(stored?.error).toContain('not-offered');
    expect(await repos.judgments.count(run.id)).toBe(0);
  });

  test('loads the run’s model when another one is loaded', async () => {
    const other = { ...spec, modelId: 'other' };
    const loads: string[] = [];
    const models: ModelLoader = {
      loaded: { spec: other },
      offered: [{ spec: other }, { spec }],
      status: 'ready',
      error: null,
      load: (s) => {
        loads.push(s.modelId);
        return Promise.resolve();
      },
    };
    const run = await batchRun();
    const ended = signal();
    const { scheduler } = tab(
      view(),
      {
        reopen: () => {
          ended.resolve();
          return Promise.resolve();
        },
      },
      models,
    );
    await scheduler.ensureWorker();
    await ended.promise;
    expect(loads).toEqual([spec.modelId]);
    expect((await repos.runs.get(run.id))?.status).toBe('done');
  });

  test('loads a server run’s model from the host’s server settings, which the offered list lacks (a panel’s server member)', async () => {
    const other = { ...spec, modelId: 'other' };
    const server = {
      ...spec,
      engine: 'openai' as const,
      modelId: 'served',
      modelUrl: 'http://gpu:8000/v1',
    };
    const loads: string[] = [];
    const models: ModelLoader = {
      loaded: { spec: other },
      offered: [{ spec: other }, { spec }],
      status: 'ready',
      error: null,
      load: (s) => {
        loads.push(`${s.engine}:${s.modelId}`);
        return Promise.resolve();
      },
    };
    const run = await batchRun('served', 'openai');
    const ended = signal();
    const asked: string[] = [];
    const { scheduler } = tab(
      view(),
      {
        serverSpec: (modelId) => {
          asked.push(modelId);
          return modelId === 'served' ? server : null;
        },
        reopen: () => {
          ended.resolve();
          return Promise.resolve();
        },
      },
      models,
    );
    await scheduler.ensureWorker();
    await ended.promise;
    expect(asked).toEqual(['served']);
    expect(loads).toEqual(['openai:served']);
    expect((await repos.runs.get(run.id))?.status).toBe('done');
  });

  test('stop writes the status of a run nobody judges and announces it to the other tabs', async () => {
    const run = await batchRun();
    await repos.runs.update(run.id, { status: 'paused' });
    const here = view();
    const { scheduler, calls } = tab(here);
    const heard = signal<string>();
    tab(view(), {
      reopen: (runId) => {
        heard.resolve(runId);
        return Promise.resolve();
      },
    });
    await scheduler.stop(run.id, 'cancel');
    expect((await repos.runs.get(run.id))?.status).toBe('cancelled');
    expect(calls.reopened).toEqual([run.id]);
    expect(here.requested).toEqual({});
    expect(await heard.promise).toBe(run.id);
  });

  test('delete removes the run and tells the view to re-read the lists', async () => {
    const run = await batchRun();
    await repos.runs.update(run.id, { status: 'paused' });
    const { scheduler, calls } = tab(view());
    await scheduler.delete(run.id);
    expect(await repos.runs.get(run.id)).toBeUndefined();
    expect(calls.refresh).toBe(1);
  });

  test('recover cancels a one-pair run left running, keeping its judgments counted; batch runs wait', async () => {
    const pair = makeRun({ id: 'pair-1', status: 'running' });
    delete pair.spec;
    await repos.runs.put(pair);
    const batch = await batchRun();
    const { scheduler } = tab(view());
    await scheduler.recover();
    const stored = await repos.runs.get('pair-1');
    expect(stored?.status).toBe('cancelled');
    expect(stored?.error).toMatch(/Interrupted/);
    expect(stored?.progress.done).toBe(0);
    expect((await repos.runs.get(batch.id))?.status).toBe('running');
  });
});
