// The batch runner on fake-indexeddb with the deterministic engine: resume, reuse by key, failures, batching.
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { getTemplate, type Template } from '../../src/lib/judge';
import { DeviceLostError, EngineCrashedError } from '../../src/lib/engine/errors';
import type { GenerateOptions, GenerateRequest } from '../../src/lib/engine/types';
import {
  createRepositories,
  type ItemRecord,
  type JudgmentRecord,
  type Repositories,
  type RunRecord,
} from '../../src/lib/store';
import {
  BatchRunner,
  KEY_SLICE,
  PLAN_SLICE,
  newBatchRun,
  type BatchDeps,
  type BatchProgress,
} from '../../src/lib/run/batch';
import { planJudgments } from '../../src/lib/run/pair';
import { useSyncSha256 } from '../../src/lib/store/key';
import { runContext } from '../../src/lib/run/batch';
import { DeterministicEngine } from '../support/deterministic-engine';
import { makeDataset, openTestDb } from '../store/fixtures';

const template = getTemplate('j1-pairwise') as Template;
const options = {
  bothOrders: true,
  allowTie: true,
  samples: 1,
  temperature: 0,
  seed: 42,
  maxTokens: 256,
  logprobs: false,
  constrained: false,
};

function items(n: number, over: (i: number) => Partial<ItemRecord> = () => ({})): ItemRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `it-${i}`,
    datasetId: 'ds-1',
    index: i,
    prompt: `Question ${i}: what is ${i} + ${i}?`,
    responseA: `${2 * i}.`,
    responseB: `${2 * i + 1}.`,
    label: 'A' as const,
    category: i % 2 ? 'odd' : 'even',
    meta: {},
    ...over(i),
  }));
}

let db: Awaited<ReturnType<typeof openTestDb>>;
let repos: Repositories;
let engine: DeterministicEngine;

beforeEach(async () => {
  db = await openTestDb();
  repos = createRepositories(db.db);
  engine = new DeterministicEngine();
});
afterEach(async () => {
  await db.close();
});

async function seed(list: ItemRecord[]): Promise<void> {
  await repos.datasets.import(makeDataset({ id: 'ds-1' }), list);
}

async function createRun(
  filter: RunRecord['spec'] extends infer S
    ? S extends { filter: infer F }
      ? F
      : never
    : never = {},
  over: Partial<typeof options> = {},
): Promise<RunRecord> {
  const run = newBatchRun({
    datasetId: 'ds-1',
    template,
    model: { engine: 'test', modelId: 'test-judge', thinking: false },
    options: { ...options, ...over },
    filter,
  });
  await repos.runs.put(run);
  return run;
}

function deps(over: Partial<BatchDeps> = {}): BatchDeps {
  return {
    repos,
    engine,
    reload: () => Promise.resolve(),
    contextWindow: 4096,
    sleep: () => Promise.resolve(),
    flushMs: 5,
    ...over,
  };
}

/** Every judgment of the run, and whether each key occurs exactly once. */
async function judgmentsOf(runId: string): Promise<{ all: JudgmentRecord[]; unique: boolean }> {
  const all = await repos.judgments.byRun(runId);
  return { all, unique: new Set(all.map((j) => j.key)).size === all.length };
}

describe('BatchRunner', () => {
  test('judges every item in both orders, stores each once, and summarises', async () => {
    await seed(items(6));
    const run = await createRun();
    const seen: BatchProgress[] = [];
    const status = await new BatchRunner(deps({ onProgress: (p) => seen.push(p) }), run.id).run();
    expect(status).toBe('done');
    const { all, unique } = await judgmentsOf(run.id);
    expect(all).toHaveLength(12);
    expect(unique).toBe(true);
    expect(engine.requests).toHaveLength(12);
    const stored = (await repos.runs.get(run.id)) as RunRecord;
    expect(stored.status).toBe('done');
    expect(stored.progress).toMatchObject({ total: 12, done: 12, failed: 0, items: 6 });
    // The position-biased test judge flips every pair: no item agrees with its label.
    expect(stored.summary).toMatchObject({
      items: 6,
      judgedItems: 6,
      labels: { agree: 0, labelled: 6, parsed: 6, failed: 0 },
    });
    expect((stored.summary as { consistency: Record<string, number> }).consistency.flipped).toBe(6);
    const last = seen[seen.length - 1] as BatchProgress;
    expect(last).toMatchObject({ status: 'done', done: 12, itemsDone: 6, total: 12 });
    expect(last.gap.count).toBe(11);
  });

  test('the gap figures of every report match the gaps measured so far (kept as running totals)', async () => {
    await seed(items(5));
    const run = await createRun();
    // A clock that moves unevenly, so last, mean and max differ.
    let t = 0;
    const steps = [3, 1, 7, 2, 5];
    let calls = 0;
    const now = () => (t += steps[calls++ % steps.length] as number);
    const runner = new BatchRunner(
      deps({
        now,
        onProgress: (p) => {
          const g = [...runner.measuredGaps];
          const want = {
            last: g.length ? g[g.length - 1] : null,
            mean: g.length ? g.reduce((a, b) => a + b, 0) / g.length : null,
            max: g.length ? Math.max(...g) : null,
            count: g.length,
          };
          expect(p.gap).toEqual(want);
          checked += 1;
        },
      }),
      run.id,
    );
    let checked = 0;
    expect(await runner.run()).toBe('done');
    expect(runner.measuredGaps).toHaveLength(9);
    expect(new Set(runner.measuredGaps).size).toBeGreaterThan(1);
    expect(checked).toBeGreaterThan(10);
  });

  test('at the start, stored keys are asked in slices of at most KEY_SLICE, so no task issues a request per judgment', async () => {
    await seed(items(300));
    // Earlier work for three items, under another run: it is found and reused.
    const earlier = await createRun({ limit: 3 });
    expect(await new BatchRunner(deps(), earlier.id).run()).toBe('done');
    const run = await createRun();
    const asked: number[] = [];
    const existingKeys = repos.judgments.existingKeys.bind(repos.judgments);
    repos.judgments.existingKeys = (keys) => {
      const list = [...keys];
      asked.push(list.length);
      return existingKeys(list);
    };
    const seen: BatchProgress[] = [];
    expect(await new BatchRunner(deps({ onProgress: (p) => seen.push(p) }), run.id).run()).toBe(
      'done',
    );
    expect(asked).toEqual([KEY_SLICE, KEY_SLICE, 600 - 2 * KEY_SLICE]);
    expect(seen[seen.length - 1]).toMatchObject({ done: 600, reused: 6 });
  });

  test('at the start, items are planned at most PLAN_SLICE per task, with a yield to the event loop between slices', async () => {
    const n = 2 * PLAN_SLICE + 50;
    await seed(items(n));
    const run = await createRun();
    // Keys hashed so far, counted through the synchronous hash hook (the same hex as WebCrypto).
    let hashed = 0;
    useSyncSha256((text) => {
      hashed += 1;
      return createHash('sha256').update(text, 'utf8').digest('hex');
    });
    const atYield: number[] = [];
    try {
      const runner = new BatchRunner(
        deps({
          yieldTask: () => {
            atYield.push(hashed);
            return Promise.resolve();
          },
        }),
        run.id,
      );
      expect(await runner.run()).toBe('done');
    } finally {
      useSyncSha256(null);
    }
    // Both orders: two keys an item. Three slices, so two yields, each after one slice's keys.
    expect(atYield).toEqual([2 * PLAN_SLICE, 4 * PLAN_SLICE]);
    expect(hashed).toBe(2 * n);
    expect((await repos.runs.get(run.id))?.progress).toMatchObject({ total: 2 * n, done: 2 * n });
  });

  test('a subset filter judges only the matching items', async () => {
    await seed(items(10));
    const run = await createRun({ categories: ['odd'], limit: 3 });
    await new BatchRunner(deps(), run.id).run();
    const { all } = await judgmentsOf(run.id);
    expect([...new Set(all.map((j) => j.itemId))].sort()).toEqual(['it-1', 'it-3', 'it-5']);
  });

  test('pause keeps finished work; a new runner resumes and judges nothing twice', async () => {
    await seed(items(5));
    const run = await createRun();
    let runner: BatchRunner;
    runner = new BatchRunner(
      deps({
        onProgress: (p) => {
          if (p.generated === 3) runner.pause();
        },
      }),
      run.id,
    );
    expect(await runner.run()).toBe('paused');
    const paused = (await repos.runs.get(run.id)) as RunRecord;
    expect(paused.status).toBe('paused');
    expect(paused.progress.done).toBe(3);
    expect(await repos.judgments.count(run.id)).toBe(3);

    runner = new BatchRunner(deps(), run.id);
    expect(await runner.run()).toBe('done');
    const { all, unique } = await judgmentsOf(run.id);
    expect(all).toHaveLength(10);
    expect(unique).toBe(true);
    expect(engine.requests).toHaveLength(10);
  });

  test('a half-finished pair reuses its finished order', async () => {
    const list = items(2);
    await seed(list);
    const run = await createRun();
    // Item 0's A/B order was finished before the page died.
    const plan = await planJudgments(runContext(run, template, list[0] as ItemRecord));
    const ab = plan.find((p) => p.order === 'AB');
    await repos.judgments.put({
      id: 'pre-ab',
      runId: run.id,
      itemId: 'it-0',
      protocol: 'pairwise',
      templateId: template.id,
      templateVersion: template.version,
      engine: 'test',
      modelId: 'test-judge',
      params: run.config.params,
      order: 'AB',
      sample: 0,
      text: '[[A]]',
      verdict: 'A',
      rawVerdict: 'A',
      parse: 'ok',
      usage: {
        promptTokens: 1,
        completionTokens: 1,
        prefillTokensPerS: null,
        decodeTokensPerS: null,
        timeToFirstTokenMs: null,
        totalMs: 1,
      },
      key: ab?.key ?? '',
      createdAt: 1,
    });
    await new BatchRunner(deps(), run.id).run();
    expect(engine.requests).toHaveLength(3);
    const { all, unique } = await judgmentsOf(run.id);
    expect(all).toHaveLength(4);
    expect(unique).toBe(true);
    expect(all.find((j) => j.id === 'pre-ab')).toBeDefined();
  });

  test('work already done in another run is copied by key, not judged again', async () => {
    await seed(items(3));
    const first = await createRun();
    await new BatchRunner(deps(), first.id).run();
    expect(engine.requests).toHaveLength(6);
    const second = await createRun({ from: 1 });
    const seen: BatchProgress[] = [];
    await new BatchRunner(deps({ onProgress: (p) => seen.push(p) }), second.id).run();
    expect(engine.requests).toHaveLength(6);
    const { all, unique } = await judgmentsOf(second.id);
    expect(all).toHaveLength(4);
    expect(unique).toBe(true);
    expect(seen[seen.length - 1]).toMatchObject({ reused: 4, generated: 0, status: 'done' });
  });

  test('cancel stops the run and marks it cancelled; stored work stays', async () => {
    await seed(items(4));
    const run = await createRun();
    const runner: BatchRunner = new BatchRunner(
      deps({ onProgress: (p) => p.generated === 2 && runner.cancel() }),
      run.id,
    );
    expect(await runner.run()).toBe('cancelled');
    expect((await repos.runs.get(run.id))?.status).toBe('cancelled');
    expect(await repos.judgments.count(run.id)).toBe(2);
  });

  test.each([
    ['device lost', () => new DeviceLostError()],
    ['worker crash', () => new EngineCrashedError()],
  ])('a transient failure (%s) reloads the model, backs off and retries', async (_n, make) => {
    await seed(items(3));
    const run = await createRun();
    let calls = 0;
    const failing = Object.create(engine) as DeterministicEngine;
    failing.generate = (req: GenerateRequest, o?: GenerateOptions) => {
      calls += 1;
      if (calls === 3 || calls === 4) return Promise.reject(make());
      return engine.generate(req, o);
    };
    const reload = vi.fn(() => Promise.resolve());
    const waits: number[] = [];
    const status = await new BatchRunner(
      deps({
        engine: failing,
        reload,
        backoffMs: 100,
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      }),
      run.id,
    ).run();
    expect(status).toBe('done');
    expect(reload).toHaveBeenCalledTimes(2);
    expect(waits).toEqual([100, 200]);
    const { all, unique } = await judgmentsOf(run.id);
    expect(all).toHaveLength(6);
    expect(unique).toBe(true);
  });

  test('when retries run out the run pauses with the reason, and resumes later', async () => {
    await seed(items(2));
    const run = await createRun();
    const broken = Object.create(engine) as DeterministicEngine;
    broken.generate = () => Promise.reject(new DeviceLostError());
    const status = await new BatchRunner(deps({ engine: broken, maxAttempts: 3 }), run.id).run();
    expect(status).toBe('paused');
    const stored = (await repos.runs.get(run.id)) as RunRecord;
    expect(stored.status).toBe('paused');
    expect(stored.error).toMatch(/GPU device was lost.*paused/);
    expect(await new BatchRunner(deps(), run.id).run()).toBe('done');
    expect(await repos.judgments.count(run.id)).toBe(4);
  });

  test('an item too long for the context and an unparseable answer are recorded; the run goes on', async () => {
    await seed(
      items(4, (i) =>
        i === 1 ? { responseA: 'word '.repeat(5000) } : i === 2 ? { prompt: 'GARBLE please' } : {},
      ),
    );
    engine = new DeterministicEngine({
      respond: (req: GenerateRequest) =>
        req.messages.some((m) => m.content.includes('GARBLE')) ? 'I cannot decide.' : '[[A]]',
    });
    const run = await createRun();
    expect(await new BatchRunner(deps({ contextWindow: 2048 }), run.id).run()).toBe('done');
    const stored = (await repos.runs.get(run.id)) as RunRecord;
    const kinds = (stored.failures ?? []).map((f) => `${f.itemId}:${f.kind}:${f.order}`);
    expect(kinds.sort()).toEqual([
      'it-1:too-long:AB',
      'it-1:too-long:BA',
      'it-2:parse:AB',
      'it-2:parse:BA',
    ]);
    expect(stored.failures?.find((f) => f.kind === 'too-long')?.reason).toMatch(/holds 2048/);
    expect(stored.progress).toMatchObject({ total: 8, done: 6, failed: 2 });
    // The long item never reached the engine.
    expect(
      engine.requests.some((r) => r.messages.some((m) => m.content.includes('word word'))),
    ).toBe(false);
    // A resume keeps the failures and judges nothing again.
    const before = engine.requests.length;
    await repos.runs.update(run.id, { status: 'running' });
    await new BatchRunner(deps({ contextWindow: 2048 }), run.id).run();
    expect(engine.requests.length).toBe(before);
    expect((await repos.runs.get(run.id))?.failures).toHaveLength(4);
  });

  test('judgments are written in batches, with the progress in the same transaction', async () => {
    await seed(items(20));
    const run = await createRun();
    const spy = vi.spyOn(repos.judgments, 'putMany');
    await new BatchRunner(deps({ flushRecords: 8, flushMs: 10_000 }), run.id).run();
    const sizes = spy.mock.calls.map((c) => c[0].length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(40);
    // A batch is at least 8 records (more when records pile up while one is being written).
    expect(sizes.length).toBeLessThanOrEqual(5);
    expect(sizes.slice(0, -1).every((n) => n >= 8)).toBe(true);
    expect(spy.mock.calls.every((c) => c[1]?.id === run.id)).toBe(true);
  });
});
