// The panel review's plain modules over the store (fake-indexeddb): reading member runs, the figures laid out for the view (worked out by hand for the fixture), triage, filters and export.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createRepositories, type Repositories } from '../../src/lib/store';
import {
  panelHref,
  panelMembersOf,
  panelRunIds,
  readPanel,
  PanelRunsError,
} from '../../src/lib/review/panel-reads';
import {
  buildPanelModel,
  fillModelIntervals,
  preparePanelModel,
} from '../../src/lib/review/panel-model';
import { filterPanelRows, NO_PANEL_FILTER } from '../../src/lib/review/panel-filter';
import { panelCsv, panelJsonl, panelSummary } from '../../src/lib/review/panel-export';
import { openTestDb } from '../store/fixtures';
import { makeRunRecord, llmbarFixture, type FixtureRun } from './fixtures';
import { panelFixture } from './panel-fixture';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function seeded(...fs: FixtureRun[]): Promise<Repositories> {
  const t = await openTestDb();
  close = t.close;
  const repos = createRepositories(t.db);
  for (const f of fs) {
    await repos.datasets.import(f.dataset, f.items);
    for (const r of f.runs) await repos.runs.put(r);
    await repos.judgments.putMany(f.judgments);
  }
  return repos;
}

const IDS = ['run-judge', 'run-flipper', 'run-longer'];

describe('reading a panel', () => {
  it('reads each member run in the order named; a repeated id counts once', async () => {
    const repos = await seeded(panelFixture());
    expect(panelRunIds(['a', 'b', 'a', '', 'c'])).toEqual(['a', 'b', 'c']);
    const p = await readPanel(repos, [...IDS, 'run-judge']);
    expect(p.members.map((m) => m.runId)).toEqual(IDS);
    expect(p.members.map((m) => m.rows.length)).toEqual([12, 12, 12]);
    expect(p.datasetId).toBe('ds-panel');
  });

  it.each([
    [['run-judge'], /two or more different runs/],
    [['run-judge', 'run-judge'], /two or more different runs/],
    [['run-judge', 'nope'], /not in this browser's storage \(nope\)/],
    [['run-judge', 'run-llmbar'], /different datasets/],
  ])('refuses %j with a message that says what to do', async (ids, message) => {
    const repos = await seeded(panelFixture(), llmbarFixture());
    const err = await readPanel(repos, ids).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PanelRunsError);
    expect((err as Error).message).toMatch(message);
  });

  it('links a run to its panel only through a panelId shared with another run of its dataset', () => {
    const runs = [
      { ...makeRunRecord('r2', { createdAt: 2 }), panelId: 'panel-1' },
      { ...makeRunRecord('r1', { createdAt: 1 }), panelId: 'panel-1' },
      { ...makeRunRecord('r3', { createdAt: 3 }), panelId: 'panel-2' },
      makeRunRecord('r4'),
    ];
    expect(panelMembersOf(runs[0], runs).map((r) => r.id)).toEqual(['r1', 'r2']);
    expect(panelMembersOf(runs[2], runs)).toEqual([]);
    expect(panelMembersOf(runs[3], runs)).toEqual([]);
    expect(panelHref(['a b', 'c/d'])).toBe('#/panel/a%20b/c%2Fd');
  });
});

describe('the panel figures for the fixture, worked out by hand', () => {
  it('majority: accuracy, agreement, bias and leave-one-out', async () => {
    const m = buildPanelModel(await readPanel(await seeded(panelFixture()), IDS), 'majority');
    // Panel per item (a flip abstains, A and B level is a tie): A B tie A A B A B A A A B;
    // right on 0,1,4,5,6,7,8,10,11 = 9 of 12. Judge 10/12, flipper 8/12 (flips are wrong),
    // longer 6/12 (items 0,1,4,7,8,11).
    expect(m.accuracy.map((a) => [a.name, a.agree, a.parsed, a.labelled])).toEqual([
      ['Panel', 9, 12, 12],
      ['arbiter-test-judge', 10, 12, 12],
      ['arbiter-test-flipper', 8, 12, 12],
      ['arbiter-test-longer', 6, 12, 12],
    ]);
    expect(m.accuracy[0]!.accuracy!.estimate).toBeCloseTo(0.75, 12);
    for (const a of m.accuracy) {
      expect(a.accuracy!.lower).toBeLessThanOrEqual(a.accuracy!.estimate);
      expect(a.accuracy!.upper).toBeGreaterThanOrEqual(a.accuracy!.estimate);
    }
    // Cohen: judge–flipper on items 4–11: po 7/8, pe 5/8·4/8 + 3/8·4/8 = 1/2 → 0.75.
    // judge–longer on all 12: po 8/12, pe 8/12·6/12 + 4/12·6/12 = 1/2 → 1/3.
    // flipper–longer on 4–11: po 4/8, pe 1/2 → 0.
    expect(m.kappa[0]![1]).toBeCloseTo(0.75, 12);
    expect(m.kappa[0]![2]).toBeCloseTo(1 / 3, 12);
    expect(m.kappa[1]![2]).toBeCloseTo(0, 12);
    expect(m.kappa[1]![0]).toBe(m.kappa[0]![1]);
    expect(m.kappa[0]![0]).toBeNull();
    // Fleiss over items 4–11 (everyone gave a verdict): P̄ = (4·1 + 4·⅓)/8 = 2/3,
    // p_A = 13/24, p_B = 11/24, Pe = 290/576 → κ = (384 − 290)/(576 − 290) = 94/286.
    expect(m.fleiss!.estimate).toBeCloseTo(94 / 286, 12);
    // Flip rate: flipper 4/12; first position: flipper 16/24, judge 12/24; panel AB and BA
    // votes differ on item 2 only (1/12) and pick the first-shown answer 8 + 5 = 13 of 24.
    // Longer answer wins: judge 8/12, flipper 4/8 (flips are not decisive), longer 12/12,
    // panel 8/11 (item 2's tie is not decisive).
    expect(
      m.bias.map((b) => [b.name, b.flipRate, b.firstPreference, b.longerWins].map(String)),
    ).toEqual(
      [
        ['Panel', 1 / 12, 13 / 24, 8 / 11],
        ['arbiter-test-judge', 0, 12 / 24, 8 / 12],
        ['arbiter-test-flipper', 4 / 12, 16 / 24, 4 / 8],
        ['arbiter-test-longer', 0, 12 / 24, 1],
      ].map((r) => r.map(String)),
    );
    // Without the judge: 6/12; without the flipper: 6/12; without the longer: 10/12.
    expect(m.leaveOneOut.map((l) => [l.name, l.accuracy, l.change].map(String))).toEqual(
      [
        ['arbiter-test-judge', 6 / 12, 6 / 12 - 9 / 12],
        ['arbiter-test-flipper', 6 / 12, 6 / 12 - 9 / 12],
        ['arbiter-test-longer', 10 / 12, 10 / 12 - 9 / 12],
      ].map((r) => r.map(String)),
    );
    expect(m.ruleName).toMatch(/Majority.*flipped or failed member abstains.*tie/);
    expect(m.ruleNote).toBeNull();
  });

  it('triage: the 8 split items first, then the rest in dataset order; filters narrow it', async () => {
    const m = buildPanelModel(await readPanel(await seeded(panelFixture()), IDS), 'majority');
    // Split (read results differ, a flip being a result): items 0–3 (the flipper), 5, 6, 9, 10.
    const split = ['00', '01', '02', '03', '05', '06', '09', '10'].map((i) => `panel-${i}`);
    expect(m.splitCount).toBe(8);
    expect(
      m.rows
        .slice(0, 8)
        .map((r) => r.itemId)
        .sort(),
    ).toEqual(split);
    expect(m.rows.slice(8).map((r) => r.itemId)).toEqual([
      'panel-04',
      'panel-07',
      'panel-08',
      'panel-11',
    ]);
    expect(m.rows.map((r) => r.pos)).toEqual([...Array(12).keys()]);
    const only = (f: Partial<typeof NO_PANEL_FILTER>) =>
      filterPanelRows(m.rows, { ...NO_PANEL_FILTER, ...f })
        .map((r) => r.itemId)
        .sort();
    expect(only({ split: true })).toEqual(split);
    expect(only({ panelWrong: true })).toEqual(['panel-02', 'panel-03', 'panel-09']);
    expect(only({ memberWrong: 1 })).toEqual(['panel-00', 'panel-01', 'panel-02', 'panel-03']);
    expect(only({ memberWrong: 0, panelWrong: true })).toEqual(['panel-03', 'panel-09']);
    // Judge wrong on 3, 9; flipper on 0–3; longer where the longer is not the label: 2, 3, 5, 6, 9, 10.
    expect(only({ memberWrong: 'any' })).toEqual(split);
    expect(only({ memberWrong: 2 })).toEqual([
      'panel-02',
      'panel-03',
      'panel-05',
      'panel-06',
      'panel-09',
      'panel-10',
    ]);
    expect(filterPanelRows(m.rows, NO_PANEL_FILTER)).toBe(m.rows);
  });

  it('weighted: fit on a seeded half, every figure over the other half, and the note says so', async () => {
    const m = buildPanelModel(await readPanel(await seeded(panelFixture()), IDS), 'weighted');
    expect(m.rows).toHaveLength(6);
    expect(m.accuracy[0]!.labelled).toBe(6);
    expect(m.ruleName).toMatch(/^Weighted vote/);
    expect(m.ruleNote).toMatch(
      /fit on 6 items chosen at random \(seed 1\).*other 6 held-out items/,
    );
    const heldOut = new Set(m.rows.map((r) => r.itemId));
    expect(
      m.review.weights!.split.fit.every((i) => !heldOut.has(`panel-${String(i).padStart(2, '0')}`)),
    ).toBe(true);
  });
});

describe('intervals after the paint', () => {
  it('the model paints without bounds, then fills the same intervals as the whole build; a newer open stops it', async () => {
    const loaded = await readPanel(await seeded(panelFixture()), IDS);
    const { model, prepared } = preparePanelModel(loaded, 'majority');
    expect(model.intervals).toBe(false);
    expect(model.accuracy[0]!.accuracy!.estimate).toBeCloseTo(0.75, 12);
    expect(Number.isNaN(model.accuracy[0]!.accuracy!.lower)).toBe(true);
    const progress: number[] = [];
    const now = async () => undefined;
    const filled = await fillModelIntervals(model, prepared, {
      live: () => true,
      onProgress: (done) => progress.push(done),
      start: now,
      between: now,
    });
    const whole = buildPanelModel(loaded, 'majority');
    expect(filled!.intervals).toBe(true);
    expect(filled!.accuracy).toEqual(whole.accuracy);
    expect(filled!.fleiss).toEqual(whole.fleiss);
    expect(filled!.rows).toBe(model.rows);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1000);
    let live = 2;
    const stopped = await fillModelIntervals(model, prepared, {
      live: () => live-- > 0,
      onProgress: () => undefined,
      start: now,
      between: now,
    });
    expect(stopped).toBeNull();
  });
});

describe('panel export', () => {
  it('writes each member result and the panel result per item; CSV guards formulas', async () => {
    const loaded = await readPanel(await seeded(panelFixture()), IDS);
    const m = buildPanelModel(loaded, 'majority');
    const lines = panelJsonl(loaded, m, 'test', new Date(0))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'arbiter-panel-review', version: 1, rule: 'majority' });
    expect(lines).toHaveLength(13);
    const item2 = lines.find((l) => l['itemId'] === 'panel-02') as {
      members: { result: string; correct: boolean | null }[];
      panel: { result: string; correct: boolean; votes: object; abstained: object[] };
    };
    expect(item2.members.map((x) => x.result)).toEqual(['A', 'flipped', 'B']);
    expect(item2.members.map((x) => x.correct)).toEqual([true, false, false]);
    expect(item2.panel).toMatchObject({
      result: 'tie',
      correct: false,
      votes: { A: 1, B: 1, tie: 0 },
      abstained: [{ member: 1, reason: 'flipped' }],
    });
    const csv = panelCsv({ ...m, members: m.members.map((x) => ({ ...x, name: '=cmd()' })) });
    const head = csv.split('\r\n')[0]!;
    expect(head).toContain('member1 =cmd() result');
    expect(head).not.toMatch(/(^|,)=/);
    expect(csv.split('\r\n').find((l) => l.startsWith('panel-02'))).toBe(
      'panel-02,2,,A,A,true,flipped,false,B,false,tie,false,true,1,1,0',
    );
    const summary = JSON.parse(panelSummary(loaded, m, 'test', new Date(0))) as Record<
      string,
      unknown
    >;
    expect(summary).toMatchObject({ type: 'arbiter-panel-summary', items: 12, splitItems: 8 });
    expect((summary['panel'] as { accuracy: { agree: number } }).accuracy.agree).toBe(9);
    expect(summary).not.toHaveProperty('results');
  });
});
