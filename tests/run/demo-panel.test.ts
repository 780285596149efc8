// Demo mode's panel runner: members loaded one at a time, each pair judged in both orders and stored, stored work reused, load failures and Stop.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createRepositories, type Repositories } from '../../src/lib/store';
import { AbortedError } from '../../src/lib/engine/errors';
import type { ModelSpec } from '../../src/lib/engine/types';
import { EXAMPLES } from '../../src/lib/data/examples';
import {
  defaultPanel,
  panelCandidates,
  PanelMemberLoadError,
  runPanelDemo,
  type PanelDemoDeps,
  type PanelDemoStage,
} from '../../src/lib/run/demo-panel';
import { DeterministicEngine } from '../support/deterministic-engine';
import { openTestDb } from '../store/fixtures';

const spec = (modelId: string): ModelSpec => ({
  modelId,
  modelUrl: `http://127.0.0.1/${modelId}/`,
  modelLibUrl: 'http://127.0.0.1/x.wasm',
  contextWindow: 4096,
  thinking: false,
});
const MEMBERS = ['arbiter-test-flipper', 'arbiter-test-longer', 'arbiter-test-good'].map(spec);

let db: Awaited<ReturnType<typeof openTestDb>>;
let repos: Repositories;
let engine: DeterministicEngine;
let loads: string[];

function deps(over: Partial<PanelDemoDeps> = {}): PanelDemoDeps {
  return {
    engine,
    repositories: () => Promise.resolve(repos),
    load: async (s) => {
      loads.push(s.modelId);
      await engine.load(s);
    },
    ...over,
  };
}

beforeEach(async () => {
  db = await openTestDb();
  repos = createRepositories(db.db);
  engine = new DeterministicEngine({ judge: 'by-model-id', requireLoad: true });
  loads = [];
});
afterEach(async () => {
  await db.close();
});

describe('runPanelDemo', () => {
  test('each member loads once, in order, and judges every bundled pair in both orders', async () => {
    const stages: PanelDemoStage[] = [];
    const cells = await runPanelDemo(deps(), MEMBERS, EXAMPLES, {
      onStage: (s) => stages.push(s),
    });
    expect(loads).toEqual(MEMBERS.map((m) => m.modelId));
    expect(engine.requests).toHaveLength(3 * EXAMPLES.length * 2);
    expect(stages[0]).toEqual({ kind: 'loading', member: 0, modelId: 'arbiter-test-flipper' });
    expect(stages.filter((s) => s.kind === 'judging')).toHaveLength(3 * EXAMPLES.length);

    // By hand from the six bundled pairs (src/lib/data/examples.ts): the flipper picks the answer
    // shown first (A, then B after the swap); the longer-answer judge picks by length; the good
    // judge follows the labels.
    const [flipper, longer, good] = cells;
    expect(flipper!.map((c) => [c.ab, c.ba, c.result, c.correct])).toEqual(
      EXAMPLES.map(() => ['A', 'B', 'flipped', false]),
    );
    // 625-sentence vs 125; 22.5 vs a sentence; a sentence vs 4x + 5; $10, $10, $20 vs a
    // sentence; a sentence vs "unconvincing"; "No. It is impossible." vs a longer sentence.
    expect(longer!.map((c) => c.result)).toEqual(['A', 'B', 'A', 'B', 'A', 'B']);
    expect(longer!.map((c) => c.correct)).toEqual([false, true, false, false, false, true]);
    expect(good!.map((c) => c.result)).toEqual(EXAMPLES.map((e) => e.label));
    expect(good!.every((c) => c.correct === true && c.ab === c.ba)).toBe(true);

    // Every cell is a stored pair run with its two judgments.
    const runs = await repos.runs.list();
    expect(runs).toHaveLength(3 * EXAMPLES.length);
    const stored = await repos.judgments.byRun(longer![0]!.runId);
    expect(stored.map((j) => [j.modelId, j.order, j.verdict]).sort()).toEqual([
      ['arbiter-test-longer', 'AB', 'A'],
      ['arbiter-test-longer', 'BA', 'A'],
    ]);
  });

  test('a second run shows the stored work and judges nothing again', async () => {
    const first = await runPanelDemo(deps(), MEMBERS, EXAMPLES);
    const requests = engine.requests.length;
    const again = await runPanelDemo(deps(), MEMBERS, EXAMPLES);
    expect(engine.requests.length).toBe(requests);
    expect(again.flat().every((c) => c.reused)).toBe(true);
    expect(again.map((m) => m.map((c) => c.result))).toEqual(
      first.map((m) => m.map((c) => c.result)),
    );
  });

  test('a member that does not load stops the panel with its name; the work before it stays stored', async () => {
    const broken = deps({
      load: async (s) => {
        if (s.modelId === 'arbiter-test-longer') throw new Error('out of memory');
        await engine.load(s);
      },
    });
    const error = await runPanelDemo(broken, MEMBERS, EXAMPLES).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PanelMemberLoadError);
    expect((error as PanelMemberLoadError).modelId).toBe('arbiter-test-longer');
    expect((error as Error).message).toMatch(
      /arbiter-test-longer could not be loaded \(out of memory\).*Models/,
    );
    expect(await repos.runs.list()).toHaveLength(EXAMPLES.length);
  });

  test('Stop rejects with AbortedError and judges no further pair', async () => {
    const abort = new AbortController();
    const error = await runPanelDemo(deps(), MEMBERS, EXAMPLES, {
      signal: abort.signal,
      onCell: (_m, p) => {
        if (p === 1) abort.abort();
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(engine.requests).toHaveLength(2 * 2);
  });

  test('storage that does not open is an error before any model loads', async () => {
    const failing = deps({ repositories: () => Promise.reject(new Error('blocked')) });
    await expect(runPanelDemo(failing, MEMBERS, EXAMPLES)).rejects.toThrow('blocked');
    expect(loads).toEqual([]);
  });
});

describe('panelCandidates and defaultPanel', () => {
  const offered = (id: string, test = false) => ({
    spec: spec(id),
    label: `${id} label`,
    entry: null,
    gguf: null,
    test,
  });
  const cached = (modelId: string, complete: boolean) => ({
    modelId,
    entries: 3,
    bytes: 1,
    complete,
  });

  test('only models that need no download: loaded, cached whole, or test models', () => {
    const list = panelCandidates(
      [offered('Qwen-A'), offered('Llama-B'), offered('Phi-C'), offered('Gemma-D')],
      [cached('Llama-B', true), cached('Phi-C', false)],
      spec('Qwen-A'),
    );
    expect(list.map((c) => [c.spec.modelId, c.why])).toEqual([
      ['Qwen-A', 'loaded'],
      ['Llama-B', 'downloaded'],
    ]);
    expect(defaultPanel(list)).toEqual(['Qwen-A', 'Llama-B']);
  });

  test('a loaded model missing from the list (a server model) is offered first', () => {
    const list = panelCandidates([offered('Llama-B')], [], spec('server-model'));
    expect(list.map((c) => c.spec.modelId)).toEqual(['server-model']);
    // One model only: the view explains that a panel needs two.
    expect(defaultPanel(list)).toEqual(['server-model']);
  });

  test('the e2e build starts with its judges that disagree; otherwise at most three', () => {
    const ids = ['arbiter-test-judge', ...MEMBERS.map((m) => m.modelId)];
    const test = panelCandidates(
      ids.map((id) => offered(id, true)),
      [],
      spec('arbiter-test-judge'),
    );
    expect(defaultPanel(test)).toEqual(MEMBERS.map((m) => m.modelId));
    const many = panelCandidates(
      ['a', 'b', 'c', 'd'].map((id) => offered(id)),
      ['a', 'b', 'c', 'd'].map((id) => cached(id, true)),
      null,
    );
    expect(defaultPanel(many)).toEqual(['a', 'b', 'c']);
  });
});
