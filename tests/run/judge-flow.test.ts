// The Judge page's judging flow: fit check, stored work, streaming both orders, Stop, the last write, checks ahead of the click.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { getTemplate, type Template } from '../../src/lib/judge';
import { createRepositories, type JudgmentRecord, type Repositories } from '../../src/lib/store';
import {
  JudgeFlow,
  checkFit,
  type FitCheck,
  type JudgeFlowView,
  type JudgeOutcome,
} from '../../src/lib/run/judge-flow';
import type { PairContext } from '../../src/lib/run/pair';
import { DeterministicEngine } from '../support/deterministic-engine';
import { openTestDb } from '../store/fixtures';

function ctx(over: Partial<PairContext['options']> = {}): PairContext {
  return {
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
      ...over,
    },
    model: { engine: 'test', modelId: 'test-judge', thinking: false },
  };
}

/** A view that records what the flow reports, in order. */
function recorder(onToken?: () => void) {
  const events: string[] = [];
  const fits: FitCheck[] = [];
  const saved: JudgmentRecord[] = [];
  const storageErrors: unknown[] = [];
  const text = new Map<string, string>();
  let settle: () => void = () => undefined;
  const settledOnce = new Promise<void>((r) => (settle = r));
  const view: JudgeFlowView = {
    fit: (f) => {
      fits.push(f);
      events.push('fit');
    },
    running: () => events.push('running'),
    onToken: (order, sample, _delta, t) => {
      text.set(`${order}:${sample}`, t);
      onToken?.();
    },
    judgment: (r, last) => events.push(`judgment ${r.order}${last ? ' last' : ''}`),
    saved: (r) => saved.push(r),
    storageError: (e) => storageErrors.push(e),
    saveSettled: () => {
      events.push('save settled');
      settle();
    },
  };
  return { view, events, fits, saved, storageErrors, text, settledOnce };
}

let db: Awaited<ReturnType<typeof openTestDb>>;
let repos: Repositories;
let engine: DeterministicEngine;
let flow: JudgeFlow;

beforeEach(async () => {
  db = await openTestDb();
  repos = createRepositories(db.db);
  engine = new DeterministicEngine();
  flow = new JudgeFlow(engine, () => Promise.resolve(repos));
});
afterEach(async () => {
  await flow.settled();
  await db.close();
});

const opts = (key = 'k') => ({ key, contextWindow: 4096, again: false });

function judged(out: JudgeOutcome): Extract<JudgeOutcome, { kind: 'judged' | 'stored' }> {
  if (out.kind !== 'judged' && out.kind !== 'stored') throw new Error(`ended ${out.kind}`);
  return out;
}

describe('JudgeFlow.judge', () => {
  test('judges both orders, streaming, and stores every judgment of the run', async () => {
    const r = recorder();
    const out = judged(await flow.judge(ctx(), opts(), r.view));
    expect(out.kind).toBe('judged');
    expect(out.records.map((x) => x.order)).toEqual(['AB', 'BA']);
    expect(r.events.slice(0, 4)).toEqual(['fit', 'running', 'judgment AB', 'judgment BA last']);
    expect(r.fits[0]?.fits).toBe(true);
    expect(r.text.get('AB:0')).toBe(out.records[0]?.text);
    expect(engine.requests).toHaveLength(2);
    await r.settledOnce;
    expect(flow.saving).toBe(false);
    expect(r.saved).toHaveLength(2);
    expect((await repos.runs.get(out.runId))?.status).toBe('done');
    expect(r.storageErrors).toEqual([]);
  });

  test('the same work again shows the stored result; "again" judges it anew', async () => {
    const first = judged(await flow.judge(ctx(), opts(), recorder().view));
    await flow.settled();
    const r = recorder();
    const again = judged(await flow.judge(ctx(), opts(), r.view));
    expect(again.kind).toBe('stored');
    expect(again.runId).toBe(first.runId);
    expect(r.events).toEqual(['fit']);
    expect(engine.requests).toHaveLength(2);
    const fresh = judged(await flow.judge(ctx(), { ...opts(), again: true }, recorder().view));
    expect(fresh.kind).toBe('judged');
    expect(fresh.runId).not.toBe(first.runId);
    expect(engine.requests).toHaveLength(4);
  });

  test('a pair longer than the window is an error before any request', async () => {
    const r = recorder();
    const out = await flow.judge(ctx(), { ...opts(), contextWindow: 100 }, r.view);
    expect(out.kind).toBe('error');
    const error = (out as { error: Error }).error;
    expect(error.name).toBe('ContextWindowExceededError');
    expect(error.message).toMatch(/holds 100 tokens/);
    expect(r.fits[0]).toMatchObject({ contextWindow: 100, fits: false });
    expect(engine.requests).toHaveLength(0);
  });

  test('Stop ends the judging as stopped; the run is kept as cancelled', async () => {
    const r = recorder(() => flow.stop());
    const out = await flow.judge(ctx(), opts(), r.view);
    expect(out.kind).toBe('stopped');
    const runs = await repos.runs.list();
    expect(runs.map((x) => x.status)).toEqual(['cancelled']);
  });

  test('Stop during the checks ends it before any request', async () => {
    const r = recorder();
    const judging = flow.judge(ctx(), opts(), r.view);
    flow.stop();
    expect((await judging).kind).toBe('stopped');
    expect(engine.requests).toHaveLength(0);
  });

  test('without storage the pair is still judged and the failure reported', async () => {
    const broken = new Error('blocked');
    const f = new JudgeFlow(engine, () => Promise.reject(broken));
    const r = recorder();
    const out = judged(await f.judge(ctx(), opts(), r.view));
    expect(out.kind).toBe('judged');
    expect(out.records).toHaveLength(2);
    expect(r.storageErrors[0]).toBe(broken);
    await r.settledOnce;
    expect(r.saved).toEqual([]);
  });

  test('an engine failure is an error outcome', async () => {
    const failing = new DeterministicEngine({
      respond: () => {
        throw new Error('GPU lost');
      },
    });
    const f = new JudgeFlow(failing, () => Promise.resolve(repos));
    const out = await f.judge(ctx(), opts(), recorder().view);
    expect(out.kind).toBe('error');
    expect((out as { error: Error }).error.message).toBe('GPU lost');
  });
});

describe('JudgeFlow.prepare', () => {
  test('checks the fit ahead of the click, once per key; the click uses it', async () => {
    let counts = 0;
    const count = engine.countTokens.bind(engine);
    engine.countTokens = (m) => {
      counts += 1;
      return count(m);
    };
    const fit = await flow.prepare(ctx(), 'k1', 4096);
    expect(fit).toMatchObject({ contextWindow: 4096, fits: true });
    expect(flow.prepare(ctx(), 'k1', 4096)).toBeNull();
    const checked = counts;
    expect(checked).toBeGreaterThan(0);
    const r = recorder();
    const out = judged(await flow.judge(ctx(), opts('k1'), r.view));
    expect(out.kind).toBe('judged');
    expect(r.fits[0]).toEqual(fit);
    expect(counts).toBe(checked);
  });

  test('a preparation for other inputs is not used', async () => {
    await flow.prepare(ctx(), 'k1', 4096);
    const r = recorder();
    // Judged with a window the preparation did not see: checked again, and too long.
    const out = await flow.judge(ctx(), { ...opts('k2'), contextWindow: 100 }, r.view);
    expect(out.kind).toBe('error');
    expect(r.fits[0]?.contextWindow).toBe(100);
  });

  test('prepared work already stored is looked up again and shown', async () => {
    const first = judged(await flow.judge(ctx(), opts(), recorder().view));
    await flow.settled();
    await flow.prepare(ctx(), 'k1', 4096);
    const out = judged(await flow.judge(ctx(), opts('k1'), recorder().view));
    expect(out).toMatchObject({ kind: 'stored', runId: first.runId });
  });
});

test('checkFit counts the prompt and the answer budget against the window', async () => {
  const fit = await checkFit(engine, ctx(), 600);
  expect(fit.maxTokens).toBe(512);
  expect(fit.promptTokens).toBeGreaterThan(0);
  expect(fit.fits).toBe(fit.promptTokens + fit.maxTokens <= 600);
});
