// Panels on fake-indexeddb with the deterministic engine: members created as runs, judged one at a time in order, resumed after a reload, paused, resumed and cancelled as one, and the whole panel's estimate.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ModelSpec } from '../../src/lib/engine/types';
import { getTemplate, type Template } from '../../src/lib/judge';
import { emptyRunForm, type RunForm } from '../../src/lib/run/form';
import {
  cancelPanel,
  measuredSpeeds,
  memberEngine,
  memberState,
  newPanel,
  panelEstimate,
  panelStatus,
  pausePanel,
  PanelInputError,
  resumePanel,
  type PanelMember,
} from '../../src/lib/run/panel';
import { RunScheduler, type ModelLoader, type SchedulerView } from '../../src/lib/run/scheduler';
import {
  createRepositories,
  type ItemRecord,
  type Repositories,
  type RunRecord,
} from '../../src/lib/store';
import { DeterministicEngine } from '../support/deterministic-engine';
import { makeDataset, makeJudgment, makeRun, openTestDb } from '../store/fixtures';

const t = getTemplate('j1-pairwise') as Template;
const spec = (modelId: string, over: Partial<ModelSpec> = {}): ModelSpec => ({
  modelId,
  modelUrl: `https://example.org/${modelId}/`,
  modelLibUrl: `https://example.org/${modelId}.wasm`,
  contextWindow: 4096,
  thinking: false,
  ...over,
});
const models = ['judge-a', 'judge-b', 'judge-c'].map((id) => spec(id));
const members: PanelMember[] = models.map((s) => ({ spec: s, engine: 'test' }));

let db: Awaited<ReturnType<typeof openTestDb>>;
let repos: Repositories;
let items: ItemRecord[];
let counter = 0;
const open: RunScheduler[] = [];

beforeEach(async () => {
  db = await openTestDb();
  repos = createRepositories(db.db);
  items = Array.from({ length: 4 }, (_, i) => ({
    id: `it-${i}`,
    datasetId: 'ds-1',
    index: i,
    prompt: `Question ${i}`,
    responseA: `${i}.`,
    responseB: `${i + 1} and more.`,
    label: 'A' as const,
    meta: {},
  }));
  await repos.datasets.import(makeDataset({ id: 'ds-1' }), items);
});
afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  await db.close();
});

function form(over: Partial<RunForm> = {}): RunForm {
  return {
    ...emptyRunForm(),
    datasetId: 'ds-1',
    options: { ...emptyRunForm().options, maxTokens: 256 },
    ...over,
  };
}

/**
 * One tab: a scheduler whose model loader loads into one deterministic engine. `judged` lists the
 * model of every generation in the order they happened; `onGenerate` runs before each.
 */
function tab(onGenerate: (n: number) => void | Promise<void> = () => undefined) {
  counter += 1;
  const judged: string[] = [];
  const engine = new DeterministicEngine({
    respond: () => {
      judged.push(engine.loaded?.spec.modelId ?? '?');
      return '<think>ok</think><answer>[[A]]</answer>';
    },
  });
  const generate = engine.generate.bind(engine);
  engine.generate = async (req, opts) => {
    await onGenerate(judged.length);
    return generate(req, opts);
  };
  const loader: ModelLoader = {
    get loaded() {
      return engine.loaded;
    },
    offered: models.map((s) => ({ spec: s })),
    status: 'ready',
    error: null,
    load: async (s) => void (await engine.load(s)),
  };
  const view: SchedulerView = {
    live: {},
    activeRunId: null,
    owner: false,
    requested: {},
    error: null,
  };
  // Resolved when a run's record changes and none is left running (a run stopped or finished).
  const waiters: (() => void)[] = [];
  const scheduler = new RunScheduler(
    view,
    {
      engine,
      models: loader,
      repositories: () => Promise.resolve(repos),
      engineBusyElsewhere: () => false,
      refresh: () => Promise.resolve(),
      reopen: async () => {
        const running = await repos.runs.byStatus(['running']);
        if (running.length === 0) for (const w of waiters.splice(0)) w();
      },
      progressed: () => undefined,
    },
    `arbiter-panel-test-${counter}`,
  );
  open.push(scheduler);
  return {
    scheduler,
    view,
    judged,
    /** Resolves once a run stops or finishes leaving none running: call it before what stops them. */
    idle: () => new Promise<void>((resolve) => waiters.push(resolve)),
  };
}

async function create(): Promise<{ panelId: string; runIds: string[] }> {
  const { panel, runs } = newPanel(form(), t, members, [], 1_000);
  await repos.panels.create(panel, runs);
  return { panelId: panel.id, runIds: panel.memberRunIds };
}

const statuses = async (ids: string[]) =>
  Promise.all(ids.map(async (id) => (await repos.runs.get(id))?.status));

describe('newPanel', () => {
  test('one ordinary batch run per member: same dataset, subset and protocol, in the chosen order', () => {
    const { panel, runs } = newPanel(form({ limit: 3, name: ' Jury ' }), t, members, [], 5_000);
    expect(panel.id).toMatch(/^panel-/);
    expect(panel).toMatchObject({ name: 'Jury', datasetId: 'ds-1', protocol: t.kind });
    expect(panel.memberRunIds).toEqual(runs.map((r) => r.id));
    expect(runs.map((r) => r.config.modelId)).toEqual(['judge-a', 'judge-b', 'judge-c']);
    expect(runs.map((r) => r.createdAt)).toEqual([5_000, 5_001, 5_002]);
    for (const r of runs) {
      expect(r.panelId).toBe(panel.id);
      expect(r.status).toBe('running');
      expect(r.datasetId).toBe('ds-1');
      expect(r.spec?.filter).toEqual({ limit: 3 });
      expect(r.config.templateId).toBe('j1-pairwise');
      expect(r.config.params.max_tokens).toBe(256);
    }
    expect(runs[1]?.name).toBe('Jury · judge-b');
  });

  test('refuses one model, a model twice, and no dataset', () => {
    expect(() => newPanel(form(), t, members.slice(0, 1))).toThrow(PanelInputError);
    expect(() => newPanel(form(), t, [members[0]!, members[0]!])).toThrow(
      /judge-a is chosen twice/,
    );
    expect(() => newPanel(form({ datasetId: '' }), t, members)).toThrow(/dataset/);
  });

  test('a member with max tokens left at 0 gets its own model’s default', () => {
    const f = form();
    f.options.maxTokens = 0;
    const thinking = { spec: spec('thinker', { thinking: true }), engine: 'test' as const };
    const { runs } = newPanel(f, t, [members[0]!, thinking]);
    expect(runs.map((r) => r.config.params.max_tokens)).toEqual([1024, 2048]);
  });

  test('memberEngine: the spec’s engine, else the test engine for test models, else web-llm', () => {
    expect(memberEngine(spec('x', { engine: 'openai' }), false)).toBe('openai');
    expect(memberEngine(spec('x', { engine: 'wllama' }), true)).toBe('wllama');
    expect(memberEngine(spec('x'), true)).toBe('test');
    expect(memberEngine(spec('x'), false)).toBe('webllm');
  });
});

describe('panelStatus and memberState', () => {
  const r = (status: RunRecord['status'], id = 'r') => makeRun({ id, status });
  test.each([
    [['running', 'done', 'paused'], 'running'],
    [['done', 'paused', 'running'], 'running'],
    [['done', 'paused'], 'paused'],
    [['done', 'pending'], 'paused'],
    [['done', 'done'], 'done'],
    [['done', 'failed', 'cancelled'], 'failed'],
    [['done', 'cancelled'], 'cancelled'],
    [[], 'cancelled'],
  ] as const)('%j → %s', (list, expected) => {
    expect(panelStatus(list.map((s) => r(s)))).toBe(expected);
  });

  test('a running member is judging here or elsewhere, else queued', () => {
    expect(memberState(r('running', 'a'), 'a', undefined)).toBe('judging');
    expect(memberState(r('running', 'a'), null, 'running')).toBe('judging');
    expect(memberState(r('running', 'a'), 'b', undefined)).toBe('queued');
    expect(memberState(r('running', 'a'), null, 'paused')).toBe('queued');
    expect(memberState(r('done', 'a'), 'a', undefined)).toBe('done');
  });
});

describe('running a panel', () => {
  test('judges the members one at a time, in the chosen order, every judgment once', async () => {
    const { panelId, runIds } = await create();
    const here = tab();
    const finished = here.idle();
    await here.scheduler.ensureWorker();
    await finished;
    expect(await statuses(runIds)).toEqual(['done', 'done', 'done']);
    for (const id of runIds) expect(await repos.judgments.count(id)).toBe(8);
    // 8 generations per member, never interleaved.
    expect(here.judged).toEqual([
      ...Array(8).fill('judge-a'),
      ...Array(8).fill('judge-b'),
      ...Array(8).fill('judge-c'),
    ]);
    const panel = await repos.panels.get(panelId);
    expect(panelStatus(await repos.panels.members(panel!))).toBe('done');
  });

  test('after a reload mid-member, the member in progress finishes first, then the next; nothing twice', async () => {
    const { panelId, runIds } = await create();
    // The first tab stops during judge-b's fourth generation...
    const first = tab(async (n) => {
      if (n === 11) await pausePanel(repos, panelId, first.scheduler);
    });
    const stopped = first.idle();
    await first.scheduler.ensureWorker();
    await stopped;
    first.scheduler.close();
    const doneBefore = await Promise.all(runIds.map((id) => repos.judgments.count(id)));
    expect(doneBefore[0]).toBe(8);
    expect(doneBefore[1]).toBeGreaterThan(0);
    expect(doneBefore[1]).toBeLessThan(8);
    expect(doneBefore[2]).toBe(0);
    // ...and a reload leaves every unfinished member as it was then: running.
    for (const id of runIds.slice(1)) await repos.runs.update(id, { status: 'running' });

    const second = tab();
    const finished = second.idle();
    await second.scheduler.ensureWorker();
    await finished;
    expect(await statuses(runIds)).toEqual(['done', 'done', 'done']);
    for (const id of runIds) expect(await repos.judgments.count(id)).toBe(8);
    // The new tab finishes judge-b's remaining judgments before it starts judge-c.
    const rest = 8 - (doneBefore[1] ?? 0);
    expect(second.judged).toEqual([...Array(rest).fill('judge-b'), ...Array(8).fill('judge-c')]);
  });

  test('pause, resume and cancel act on every member', async () => {
    const { panelId, runIds } = await create();
    let once = true;
    const here = tab(async (n) => {
      if (n === 3 && once) {
        once = false;
        await pausePanel(repos, panelId, here.scheduler);
      }
    });
    const stopped = here.idle();
    await here.scheduler.ensureWorker();
    await stopped;
    // The judging member stops after its current generation; the queued ones were paused first.
    expect(await statuses(runIds)).toEqual(['paused', 'paused', 'paused']);
    expect(new Set(here.judged)).toEqual(new Set(['judge-a']));
    expect(await repos.judgments.count(runIds[1]!)).toBe(0);

    const finished = here.idle();
    await resumePanel(repos, panelId, here.scheduler);
    await finished;
    expect(await statuses(runIds)).toEqual(['done', 'done', 'done']);
    for (const id of runIds) expect(await repos.judgments.count(id)).toBe(8);

    const other = await create();
    await repos.runs.update(other.runIds[0]!, { status: 'done' });
    await repos.runs.update(other.runIds[1]!, { status: 'paused' });
    await cancelPanel(repos, other.panelId, {
      stop: (id, a) => here.scheduler.stop(id, a),
      resume: () => Promise.resolve(),
    });
    expect(await statuses(other.runIds)).toEqual(['done', 'cancelled', 'cancelled']);
  });
});

describe('panelEstimate', () => {
  const known = { decodeTokensPerS: 20, prefillTokensPerS: 400 };
  const none = { decodeTokensPerS: null, prefillTokensPerS: null };

  test('sums the members, each at its own speed; time unknown when one speed is', () => {
    const f = form();
    const a = panelEstimate(items, f, t, [
      { spec: models[0]!, speed: known },
      { spec: models[1]!, speed: { decodeTokensPerS: 10, prefillTokensPerS: 200 } },
    ])!;
    const one = a.members[0]!.estimate!;
    const two = a.members[1]!.estimate!;
    // Same items and prompts, so the same tokens; half the speed, twice the time.
    expect(one.generations).toBe(8);
    expect(a.generations).toBe(16);
    expect(a.promptTokens).toBe(2 * one.promptTokens);
    expect(two.seconds).toBeCloseTo(2 * one.seconds!, 9);
    // By hand: prompt tokens / prefill + output tokens (8 × 180 typical) / decode.
    expect(one.seconds).toBeCloseTo(one.promptTokens / 400 + (8 * 180) / 20, 9);
    expect(a.seconds).toBeCloseTo(3 * one.seconds!, 9);
    expect(a.unknown).toEqual([]);

    const b = panelEstimate(items, f, t, [
      { spec: models[0]!, speed: known },
      { spec: models[2]!, speed: none },
    ])!;
    expect(b.seconds).toBeNull();
    expect(b.unknown).toEqual(['judge-c']);
    expect(b.knownSeconds).toBeCloseTo(one.seconds!, 9);
    expect(panelEstimate([], f, t, [{ spec: models[0]!, speed: known }])).toBeNull();
  });

  test('measuredSpeeds: the median rates of the model’s newest run; unknown without one', async () => {
    await repos.runs.put(
      makeRun({
        id: 'old',
        createdAt: 1,
        progress: { total: 2, done: 2, failed: 0 },
        config: { ...makeRun().config, modelId: 'judge-a' },
      }),
    );
    await repos.runs.put(
      makeRun({
        id: 'new',
        createdAt: 2,
        progress: { total: 3, done: 3, failed: 0 },
        config: { ...makeRun().config, modelId: 'judge-a' },
      }),
    );
    const usage = (d: number | null, p: number | null) => ({
      ...makeJudgment().usage,
      decodeTokensPerS: d,
      prefillTokensPerS: p,
    });
    await repos.judgments.put(
      makeJudgment({ id: 'o1', runId: 'old', key: 'o1', usage: usage(99, 999) }),
    );
    await repos.judgments.put(
      makeJudgment({ id: 'n1', runId: 'new', key: 'n1', createdAt: 1, usage: usage(10, 100) }),
    );
    await repos.judgments.put(
      makeJudgment({ id: 'n2', runId: 'new', key: 'n2', createdAt: 2, usage: usage(30, null) }),
    );
    await repos.judgments.put(
      makeJudgment({ id: 'n3', runId: 'new', key: 'n3', createdAt: 3, usage: usage(14, 300) }),
    );
    expect(await measuredSpeeds(repos, ['judge-a', 'judge-z'])).toEqual({
      'judge-a': { decodeTokensPerS: 14, prefillTokensPerS: 200 },
      'judge-z': { decodeTokensPerS: null, prefillTokensPerS: null },
    });
  });
});
