// Meta-judging from the review over the store (fake-indexeddb) and the deterministic engine: the run, its two judgments, its verdict, and what a failure leaves.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortedError } from '../../src/lib/engine/errors';
import type { GenerateRequest } from '../../src/lib/engine/types';
import { createRepositories, type Repositories } from '../../src/lib/store';
import { createMetaRun, metaJudge } from '../../src/lib/run/meta-judge';
import { META_PROTOCOL, isMetaSummary } from '../../src/lib/review/meta';
import { readItemDetail } from '../../src/lib/review/item-detail';
import { DeterministicEngine } from '../support/deterministic-engine';
import { makeItem, makeJudgment, openTestDb } from '../store/fixtures';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function repositories(): Promise<Repositories> {
  const t = await openTestDb();
  close = t.close;
  return createRepositories(t.db);
}

const item = makeItem({ id: 'item-1' });
const a = makeJudgment({ id: 'j-good', itemId: 'item-1', text: 'GOOD-JUDGMENT', createdAt: 1 });
const b = makeJudgment({ id: 'j-bad', itemId: 'item-1', text: 'BAD-JUDGMENT', createdAt: 2 });
const model = { modelId: 'test-model', thinking: false };

/** A meta-judge that always prefers the judgment with GOOD in it, in whichever position. */
function prefersGood(req: GenerateRequest): string {
  const prompt = req.messages.map((m) => m.content).join('\n');
  const first = /<judgement A>([\s\S]*?)<\/judgement A>/.exec(prompt)?.[1] ?? '';
  return `Winner: Judgement ${first.includes('GOOD') ? 'A' : 'B'}`;
}

describe('metaJudge', () => {
  it('stores a meta-judge run, both orders as judgments, and the consistent verdict', async () => {
    const repos = await repositories();
    const engine = new DeterministicEngine({ respond: prefersGood });
    const texts: string[] = [];
    let created = 0;
    const summary = await metaJudge(
      repos,
      engine,
      model,
      { item, a, b },
      { onText: (t) => texts.push(t), onCreated: () => created++ },
    );
    expect(created).toBe(1);
    expect(summary.verdict).toBe('A');
    expect(summary.consistency).toBe('consistent');
    expect(texts.at(-1)).toContain('Winner');

    const runs = await repos.runs.list();
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.status).toBe('done');
    expect(run.config.protocol).toBe(META_PROTOCOL);
    expect(run.config.params).toMatchObject({ temperature: 0, bothOrders: true, max_tokens: 1024 });
    expect(run.progress).toEqual({ total: 2, done: 2, failed: 0 });
    expect(isMetaSummary(run.summary) && run.summary.verdict).toBe('A');
    const stored = await repos.judgments.byRun(run.id);
    expect(stored.map((j) => j.order).sort()).toEqual(['AB', 'BA']);
    expect(stored.every((j) => j.protocol === META_PROTOCOL && j.verdict === 'A')).toBe(true);
    expect(stored.map((j) => j.key).sort()).toEqual([
      'meta:j-good:j-bad:test-model:AB:0',
      'meta:j-good:j-bad:test-model:BA:0',
    ]);
  });

  it('gives a thinking model room to think', async () => {
    const repos = await repositories();
    const job = await createMetaRun(
      repos,
      new DeterministicEngine(),
      { ...model, thinking: true },
      item,
      a,
      b,
    );
    expect(job.run.config.params.max_tokens).toBe(2048);
    expect((await repos.runs.get(job.run.id))?.status).toBe('running');
  });

  it('an abort marks the run failed and rethrows; the item detail lists it', async () => {
    const repos = await repositories();
    await repos.judgments.put(a);
    await repos.judgments.put(b);
    const abort = new AbortController();
    abort.abort();
    await expect(
      metaJudge(repos, new DeterministicEngine(), model, { item, a, b }, { signal: abort.signal }),
    ).rejects.toBeInstanceOf(AbortedError);
    const [run] = await repos.runs.list();
    expect(run?.status).toBe('failed');
    expect(run?.progress).toEqual({ total: 2, done: 0, failed: 1 });
    expect(await repos.judgments.byRun(run!.id)).toEqual([]);
    const detail = await readItemDetail(repos, 'item-1');
    expect(detail.judgments.map((j) => j.id)).toEqual(['j-good', 'j-bad']);
  });
});
