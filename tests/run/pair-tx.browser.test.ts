// In Chromium's own IndexedDB: a one-pair run's last judgment and its final status commit together or not at all.
import { afterEach, beforeEach, expect, test } from 'vitest';
import { getTemplate, type Template } from '../../src/lib/judge';
import { createRepositories, type Repositories } from '../../src/lib/store';
import { planJudgments, runPair, type PairContext } from '../../src/lib/run/pair';
import { DeterministicEngine } from '../support/deterministic-engine';
import { openTestDb } from '../store/fixtures';

const ctx: PairContext = {
  item: { prompt: 'Capital of France?', responseA: 'Paris.', responseB: 'Lyon.' },
  template: getTemplate('j1-pairwise') as Template,
  options: {
    bothOrders: true,
    allowTie: true,
    samples: 1,
    temperature: 0,
    seed: 42,
    maxTokens: 512,
    logprobs: false,
    constrained: false,
  },
  model: { engine: 'test', modelId: 'test-judge', thinking: false },
};

let db: Awaited<ReturnType<typeof openTestDb>>;
let repos: Repositories;
beforeEach(async () => {
  db = await openTestDb();
  repos = createRepositories(db.db);
});
afterEach(async () => {
  await db.close();
});

test('the last judgment lands with status "done" in one transaction', async () => {
  const res = await runPair(repos, new DeterministicEngine(), ctx, await planJudgments(ctx));
  expect(await res.saved).toBeNull();
  expect(await repos.judgments.byRun(res.runId)).toHaveLength(2);
  expect(await repos.runs.get(res.runId)).toMatchObject({
    status: 'done',
    progress: { done: 2, total: 2 },
  });
});

test('a crash inside the final transaction leaves no judgment the run does not count', async () => {
  const put = IDBObjectStore.prototype.put;
  // The tab dies after the last judgment's put, at the run's: the transaction never commits.
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
  let runId: string;
  try {
    const res = await runPair(repos, new DeterministicEngine(), ctx, await planJudgments(ctx));
    runId = res.runId;
    expect(await res.saved).toBeInstanceOf(Error);
  } finally {
    IDBObjectStore.prototype.put = put;
  }
  const stored = await repos.judgments.byRun(runId);
  expect(stored.map((j) => j.order)).toEqual(['AB']);
  expect(await repos.runs.get(runId)).toMatchObject({
    status: 'running',
    progress: { done: 1, total: 2 },
  });
});
