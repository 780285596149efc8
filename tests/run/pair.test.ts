// The one-pair runner: keys, reuse of stored work, persistence as judgments complete, failures and Stop.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { getTemplate } from '../../src/lib/judge';
import type { Template } from '../../src/lib/judge';
import {
  createRepositories,
  StorageQuotaExceededError,
  type Repositories,
} from '../../src/lib/store';
import {
  judgeConfig,
  judgmentParams,
  findStored,
  planJudgments,
  runPair,
  type PairContext,
  type PairOptions,
} from '../../src/lib/run/pair';
import { DeterministicEngine } from '../support/deterministic-engine';
import { openTestDb } from '../store/fixtures';

const options: PairOptions = {
  bothOrders: true,
  allowTie: true,
  samples: 1,
  temperature: 0,
  seed: 42,
  maxTokens: 512,
  logprobs: false,
  constrained: false,
};

function ctx(over: Partial<PairContext> = {}, opts: Partial<PairOptions> = {}): PairContext {
  return {
    item: { prompt: 'Capital of France?', responseA: 'Paris.', responseB: 'Lyon.' },
    template: getTemplate('j1-pairwise') as Template,
    options: { ...options, ...opts },
    model: { engine: 'test', modelId: 'test-judge', thinking: false },
    ...over,
  };
}

let db: Awaited<ReturnType<typeof openTestDb>>;
let repos: Repositories;

beforeEach(async () => {
  db = await openTestDb();
  repos = createRepositories(db.db);
});
afterEach(async () => {
  await db.close();
});

describe('planJudgments', () => {
  test('one key per order and sample, stable for the same inputs', async () => {
    const a = await planJudgments(ctx({}, { samples: 2 }));
    const b = await planJudgments(ctx({}, { samples: 2 }));
    expect(a.map((p) => `${p.order}${p.sample}`)).toEqual(['AB0', 'AB1', 'BA0', 'BA1']);
    expect(a).toEqual(b);
    expect(new Set(a.map((p) => p.key)).size).toBe(4);
  });

  test.each([
    ['seed', ctx({}, { seed: 7 })],
    ['temperature', ctx({}, { temperature: 0.5 })],
    ['max tokens', ctx({}, { maxTokens: 256 })],
    ['model', ctx({ model: { engine: 'test', modelId: 'other', thinking: false } })],
    ['template', ctx({ template: getTemplate('mt-bench-pair') as Template })],
    [
      'answer text',
      ctx({ item: { prompt: 'Capital of France?', responseA: 'Paris!', responseB: 'Lyon.' } }),
    ],
  ])('a different %s is different work', async (_name, other) => {
    const base = await planJudgments(ctx());
    const changed = await planJudgments(other);
    expect(changed[0]?.key).not.toBe(base[0]?.key);
  });

  test('the tie option is different work for a template with ties', async () => {
    const mt = { template: getTemplate('mt-bench-pair') as Template };
    expect(mt.template.allowsTie).toBe(true);
    const a = await planJudgments(ctx(mt, { allowTie: true }));
    const b = await planJudgments(ctx(mt, { allowTie: false }));
    expect(a[0]?.key).not.toBe(b[0]?.key);
  });

  test('the tie option does not change the key of a template that has no tie', async () => {
    const single = {
      template: getTemplate('j1-single') as Template,
      item: { prompt: 'Q', responseA: 'A' },
    };
    expect(single.template.allowsTie).toBe(false);
    const a = await planJudgments(ctx(single, { allowTie: true }));
    const b = await planJudgments(ctx(single, { allowTie: false }));
    expect(a[0]?.key).toBe(b[0]?.key);
  });

  test('single-answer templates plan one order', async () => {
    const plan = await planJudgments(
      ctx({
        template: getTemplate('mt-bench-single') as Template,
        item: { prompt: 'Q', responseA: 'A' },
      }),
    );
    expect(plan.map((p) => p.order)).toEqual(['AB']);
  });
});

describe('protocol defaults', () => {
  const vo = { template: getTemplate('verdict-only') as Template };
  test.each([
    ['plain pairwise, default temperature', ctx({}, { temperature: null }), 0, undefined],
    ['reading logprobs needs temperature 1', ctx({}, { temperature: null, logprobs: true }), 1, 5],
    ['sampling needs temperature 1', ctx({}, { temperature: null, samples: 3 }), 1, undefined],
    ['verdict-only always reads logprobs', ctx(vo, { temperature: null, logprobs: false }), 1, 5],
    ['an explicit temperature wins', ctx(vo, { temperature: 0.3, logprobs: false }), 0.3, 5],
  ])('%s', (_name, c, temperature, topLogprobs) => {
    const params = judgmentParams(c);
    expect(params.temperature).toBe(temperature);
    expect(params.top_logprobs).toBe(topLogprobs);
    expect(judgeConfig(c).logprobs).toBe(topLogprobs !== undefined);
  });
});

describe('runPair', () => {
  test('stores the item, the run and each judgment, and finds them again by key', async () => {
    const c = ctx();
    const plan = await planJudgments(c);
    expect(await findStored(repos, plan)).toBeNull();
    const saved: string[] = [];
    const res = await runPair(repos, new DeterministicEngine(), c, plan, {
      onSaved: (r) => saved.push(r.order),
    });
    expect(await res.saved).toBeNull();
    expect(saved).toEqual(['AB', 'BA']);
    // The position-biased default judge flips.
    expect(res.result.consistency).toBe('flipped');

    const run = await repos.runs.get(res.runId);
    expect(run).toMatchObject({ status: 'done', progress: { total: 2, done: 2, failed: 0 } });
    expect(run?.config).toMatchObject({ templateId: 'j1-pairwise', modelId: 'test-judge' });
    const item = await repos.items.get(res.itemId);
    expect(item).toMatchObject({
      prompt: 'Capital of France?',
      responseA: 'Paris.',
      responseB: 'Lyon.',
    });

    const stored = await findStored(repos, plan);
    expect(stored?.runId).toBe(res.runId);
    expect(stored?.records.map((r) => [r.order, r.verdict, r.rawVerdict])).toEqual([
      ['AB', 'A', 'A'],
      ['BA', 'B', 'A'],
    ]);
    expect(stored?.records[0]).toMatchObject({
      templateVersion: 1,
      engine: 'test',
      params: { seed: 42, temperature: 0, max_tokens: 512, bothOrders: true, allowTie: true },
      parse: 'ok',
    });
  });

  test('each judgment is queued for writing as it completes and lands, in order, while the next one is generated', async () => {
    const c = ctx();
    const plan = await planJudgments(c);
    const engine = new DeterministicEngine();
    const events: string[] = [];
    const putMany = repos.judgments.putMany.bind(repos.judgments);
    repos.judgments.putMany = async (js, run) => {
      for (const j of js) events.push(`write ${j.order} starts`);
      await putMany(js, run);
      for (const j of js) events.push(`write ${j.order} done`);
    };
    const original = engine.generate.bind(engine);
    engine.generate = (req, opts) => {
      events.push(`generate ${engine.requests.length === 0 ? 'AB' : 'BA'}`);
      return original(req, opts);
    };
    const res = await runPair(repos, engine, c, plan, {
      onJudgment: (r) => events.push(`judged ${r.order}`),
    });
    await res.saved;
    const at = (e: string) => {
      expect(events).toContain(e);
      return events.indexOf(e);
    };
    // Queued before the next generation, which does not wait for storage (runPair's design:
    // judging never waits for writes; `saved` reports them).
    expect(at('judged AB')).toBeLessThan(at('generate BA'));
    expect(at('generate BA')).toBeLessThan(at('write AB done'));
    // Writes land in the order the judgments completed.
    expect(at('write AB done')).toBeLessThan(at('write BA starts'));
    expect(await repos.judgments.count()).toBe(2);
  });

  test('a storage failure does not stop the judging; it is reported and earlier records stay', async () => {
    const c = ctx();
    const plan = await planJudgments(c);
    const putMany = repos.judgments.putMany.bind(repos.judgments);
    let calls = 0;
    repos.judgments.putMany = async (js, run) => {
      calls++;
      if (calls === 2) throw new StorageQuotaExceededError();
      return putMany(js, run);
    };
    const errors: unknown[] = [];
    const res = await runPair(repos, new DeterministicEngine(), c, plan, {
      onStorageError: (e) => errors.push(e),
    });
    expect(res.result.consistency).toBe('flipped');
    expect(res.records).toHaveLength(2);
    expect(await res.saved).toBeInstanceOf(StorageQuotaExceededError);
    expect(errors).toHaveLength(1);
    expect(await repos.judgments.count()).toBe(1);
    expect((await repos.runs.get(res.runId))?.status).toBe('done');
  });

  test('every write lands a judgment together with the run progress that counts it', async () => {
    const c = ctx({}, { samples: 2 });
    const plan = await planJudgments(c);
    const seen: [number, number, string | undefined][] = [];
    const putMany = repos.judgments.putMany.bind(repos.judgments);
    repos.judgments.putMany = async (js, run) => {
      await putMany(js, run);
      // What IndexedDB holds once this transaction committed.
      const stored = await repos.judgments.byRun(run?.id ?? '');
      const r = await repos.runs.get(run?.id ?? '');
      seen.push([stored.length, r?.progress.done ?? -1, r?.status]);
    };
    const res = await runPair(repos, new DeterministicEngine(), c, plan);
    expect(await res.saved).toBeNull();
    expect(seen).toEqual([
      [1, 1, 'running'],
      [2, 2, 'running'],
      [3, 3, 'running'],
      [4, 4, 'done'],
    ]);
    expect((await repos.runs.get(res.runId))?.summary).toMatchObject({ consistency: 'flipped' });
  });

  test('a crash while the last judgment and the final status are written leaves neither: the run counts exactly what is stored', async () => {
    const c = ctx();
    const plan = await planJudgments(c);
    // The tab dies inside the final transaction, after the judgment's put and at the run's put.
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (
      this: IDBObjectStore,
      value: unknown,
      key?: IDBValidKey,
    ) {
      if (this.name === 'runs' && (value as { status?: string }).status === 'done') {
        this.transaction.abort();
        throw new DOMException('crashed', 'AbortError');
      }
      return put.call(this, value, key);
    };
    let res;
    try {
      res = await runPair(repos, new DeterministicEngine(), c, plan);
      await res.saved;
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    const stored = await repos.judgments.byRun(res.runId);
    const run = await repos.runs.get(res.runId);
    // The first order's judgment is counted by the run; the last one was rolled back with the
    // status, so the run stays "running" (start-up recovery marks it interrupted) and is resumable.
    // Two transactions would have left both judgments beside a run counting one.
    expect(stored.map((j) => j.order)).toEqual(['AB']);
    expect(run).toMatchObject({ status: 'running', progress: { done: 1, total: 2 } });
    expect(await res.saved).toBeInstanceOf(Error);
  });

  test('Stop rejects with AbortedError, keeps the finished order and marks the run cancelled', async () => {
    const c = ctx();
    const plan = await planJudgments(c);
    const abort = new AbortController();
    const engine = new DeterministicEngine({ tokensPerSecond: 500 });
    const done = runPair(repos, engine, c, plan, {
      signal: abort.signal,
      onJudgment: () => setTimeout(() => abort.abort(), 5),
    });
    await expect(done).rejects.toMatchObject({ name: 'AbortedError' });
    const runs = await repos.runs.list();
    expect(runs[0]).toMatchObject({ status: 'cancelled', progress: { done: 1 } });
    expect(await repos.judgments.count()).toBe(1);
    expect(await findStored(repos, plan)).toBeNull();
  });

  test('with every store call failing (storage unavailable), the verdict still comes back', async () => {
    const broken = new Proxy(
      {},
      { get: () => () => Promise.reject(new StorageQuotaExceededError()) },
    );
    const noStore = {
      datasets: broken,
      items: broken,
      runs: broken,
      judgments: broken,
      labels: broken,
    } as Repositories;
    const c = ctx();
    const res = await runPair(noStore, new DeterministicEngine(), c, await planJudgments(c));
    expect(res.result.verdict).toBe('tie');
    expect(await res.saved).toBeInstanceOf(StorageQuotaExceededError);
  });
});
