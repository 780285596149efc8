// Review numbers against the judge core: every dashboard metric and its seeded interval, on real items.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bootstrap,
  bradleyTerry,
  kappaAgainstLabels,
  cohenKappa,
  longerAnswerWinRate,
  pairwiseMetrics,
  withInterval,
  type PairRecord,
} from '../../src/lib/judge';
import { buildRows, toPairRecord, type ReviewRow } from '../../src/lib/review/rows';
import {
  bootstrapAll,
  countTable,
  pointMetrics,
  type MetricName,
} from '../../src/lib/review/summary';
import { buildDashboard, withIntervals } from '../../src/lib/review/dashboard';
import { compareRuns } from '../../src/lib/review/compare';
import {
  buildLeaderboard,
  fitLengthControlled,
  type LengthMatch,
} from '../../src/lib/review/leaderboard';
import { filterRows, NO_FILTER } from '../../src/lib/review/filter';
import { parsePublished, referenceFor, isLlmbar } from '../../src/lib/review/reference';
import { reviewCsv, reviewJsonl } from '../../src/lib/review/export';
import { sharedDataPath } from '../judge/data';
import {
  llmbarFixture,
  pandalmFixture,
  syntheticFixture,
  makeJudgment,
  type FixtureRun,
} from './fixtures';

function rowsOf(f: FixtureRun, runId = f.runs[0]!.id, gold: 'dataset' | 'mine' = 'dataset') {
  return buildRows(
    {
      run: f.runs.find((r) => r.id === runId),
      judgments: f.judgments.filter((j) => j.runId === runId),
      items: f.items,
      labels: f.labels,
    },
    gold,
  );
}

/** The core's definition of each dashboard metric, over PairRecords. */
const CORE: [MetricName, (rs: PairRecord[]) => number][] = [
  ['accuracy', (rs) => pairwiseMetrics(rs).threeWayAgreement],
  ['accuracyAB', (rs) => pairwiseMetrics(rs).accuracyAB],
  ['accuracyBA', (rs) => pairwiseMetrics(rs).accuracyBA],
  ['accuracyMean', (rs) => pairwiseMetrics(rs).accuracyMean],
  ['consistentAccuracy', (rs) => pairwiseMetrics(rs).consistentAccuracy],
  ['positionalAgreement', (rs) => pairwiseMetrics(rs).positionalAgreement],
  ['flipRate', (rs) => pairwiseMetrics(rs).flipRate],
  ['tieRate', (rs) => pairwiseMetrics(rs).tieRate],
  ['parseFailureRate', (rs) => pairwiseMetrics(rs).parseFailureRate],
  ['firstPositionPreference', (rs) => pairwiseMetrics(rs).firstPositionPreference],
  ['kappa', (rs) => kappaAgainstLabels(rs, 'final')],
  ['longerAnswerWinRate', (rs) => longerAnswerWinRate(rs)],
];

const same = (a: number, b: number) =>
  Number.isNaN(b) ? expect(a).toBeNaN() : expect(a).toBeCloseTo(b, 12);

describe.each([
  ['LLMBar, both orders (seeded judge)', () => rowsOf(llmbarFixture())],
  ['PandaLM, GPT-3.5 recorded (one order)', () => rowsOf(pandalmFixture(), 'run-gpt35')],
  ['PandaLM, PandaLM-7B recorded (one order)', () => rowsOf(pandalmFixture(), 'run-pandalm7b')],
])('%s', (_name, make) => {
  const rows = make();
  const records = rows.map(toPairRecord);
  const table = countTable(rows);
  const point = pointMetrics(table);
  const opts = { iterations: 300, seed: 42 };
  const intervals = bootstrapAll(table, opts);

  it.each(CORE)('%s equals the core, point and 95%% interval', (name, core) => {
    same(point[name], core(records));
    const ref = withInterval(records, core, opts);
    same(intervals[name].estimate, ref.estimate);
    same(intervals[name].lower, ref.lower);
    same(intervals[name].upper, ref.upper);
  });

  it('a different seed moves the interval, the same seed repeats it', () => {
    const again = bootstrapAll(countTable(rows), opts);
    expect(again.accuracy).toEqual(intervals.accuracy);
    const other = bootstrapAll(table, { ...opts, seed: 43 });
    expect([other.accuracy.lower, other.accuracy.upper]).not.toEqual([
      intervals.accuracy.lower,
      intervals.accuracy.upper,
    ]);
  });
});

describe('the PandaLM recorded judges', () => {
  it('reproduce the published accuracies (GPT-3.5 69.77%, PandaLM-7B 66.77%)', () => {
    const f = pandalmFixture();
    expect(pointMetrics(countTable(rowsOf(f, 'run-gpt35'))).accuracy).toBeCloseTo(0.6977, 4);
    expect(pointMetrics(countTable(rowsOf(f, 'run-pandalm7b'))).accuracy).toBeCloseTo(0.6677, 4);
  });

  it('compare: agreement and kappa of the two judges equal the core', () => {
    const f = pandalmFixture();
    const a = rowsOf(f, 'run-gpt35');
    const b = rowsOf(f, 'run-pandalm7b');
    const c = compareRuns(a, b, { iterations: 200, seed: 5 });
    expect(c.shared).toHaveLength(999);
    const agree = a.filter((r, i) => r.verdict === b[i]!.verdict).length;
    expect(c.agreement.estimate).toBeCloseTo(agree / 999, 12);
    expect(c.kappa).toBeCloseTo(
      cohenKappa(
        a.map((r) => r.verdict),
        b.map((r) => r.verdict),
      ),
      12,
    );
    expect(c.differing).toHaveLength(999 - agree);
    const pairs = a.map((r, i) => r.verdict === b[i]!.verdict);
    const ref = bootstrap(pairs, (xs) => xs.filter(Boolean).length / xs.length, {
      iterations: 200,
      seed: 5,
    });
    expect(c.agreement.lower).toBeCloseTo(ref.lower, 12);
    expect(c.agreement.upper).toBeCloseTo(ref.upper, 12);
    expect(c.accuracyA).toBeCloseTo(0.6977, 4);
    expect(c.accuracyB).toBeCloseTo(0.6677, 4);
    const total = Object.values(c.cross).reduce(
      (s, row) => s + Object.values(row).reduce((x, y) => x + y, 0),
      0,
    );
    expect(total).toBe(999);
  });

  it('leaderboard: win rates and Bradley-Terry equal an independent computation (numpy, Arena-Hard method)', () => {
    const rows = rowsOf(pandalmFixture(), 'run-pandalm7b');
    const lb = buildLeaderboard(rows, {
      bootstrap: { iterations: 50, seed: 1 },
      lengthControl: true,
    });
    expect(lb).not.toBeNull();
    // Computed independently: `python3 tests/support/bradley_terry_reference.py M.json 50`, where
    // M.json is this run's final verdicts as [model_a, model_b, score_a] (toMatches, item order):
    // Arena-Hard's logistic MLE by numpy IRLS, mulberry32(1) resamples, np.percentile 2.5/97.5.
    const REF: Record<string, [number, number, number, number]> = {
      // model: estimate, lower, upper, win rate (ties as half)
      'llama-7b': [1068.1243273558937, 1046.3139834964934, 1093.4552486691607, 0.6199524940617577],
      'bloom-7b': [1020.3817003210193, 999.2389229886612, 1043.9330804987096, 0.5319410319410319],
      'pythia-6.9b': [1009.4587481841469, 989.4009892256802, 1030.804296524873, 0.5153061224489796],
      'opt-7b': [974.7839249245823, 940.6720686806334, 998.1799978925754, 0.4520725388601036],
      'cerebras-gpt-6.7B': [
        927.2512992143578, 893.2794452539655, 950.027451380574, 0.36989795918367346,
      ],
    };
    expect(lb!.models).toEqual(Object.keys(REF));
    for (const [m, [est, lo, hi, rate]] of Object.entries(REF)) {
      const iv = lb!.bradleyTerry.get(m)!;
      expect(iv.estimate).toBeCloseTo(est, 6);
      expect(iv.lower).toBeCloseTo(lo, 6);
      expect(iv.upper).toBeCloseTo(hi, 6);
      expect(lb!.winRates.find((w) => w.model === m)!.winRate).toBeCloseTo(rate, 12);
    }
    expect(lb!.fit.prior).toBe(0);
    expect(lb!.fit.comparability.groups).toHaveLength(1);
    expect(lb!.weighting).toBe('plain');
    // The matrix is antisymmetric around one half where models met.
    lb!.models.forEach((_, i) =>
      lb!.models.forEach((_, j) => {
        if (i !== j && lb!.games[i]![j]! > 0)
          expect(lb!.matrix[i]![j]! + lb!.matrix[j]![i]!).toBeCloseTo(1, 12);
      }),
    );
    expect(lb!.lengthControlled?.ratings.size).toBe(lb!.models.length);
  }, 120_000);
});

describe('length-controlled Bradley-Terry', () => {
  const rand = (() => {
    let s = 9;
    return () => (s = (s * 16807) % 2147483647) / 2147483647;
  })();
  it('without a length effect it ranks as plain Bradley-Terry does', () => {
    const ms: LengthMatch[] = [];
    const strength: Record<string, number> = { x: 1, y: 0, z: -1 };
    const names = Object.keys(strength);
    for (let i = 0; i < 3000; i++) {
      const a = names[i % 3]!;
      const b = names[(i + 1 + (i % 2)) % 3]!;
      const p = 1 / (1 + Math.exp(-(strength[a]! - strength[b]!)));
      ms.push({ modelA: a, modelB: b, scoreA: rand() < p ? 1 : 0, lengthDiff: rand() * 2 - 1 });
    }
    const lc = fitLengthControlled(ms);
    const bt = bradleyTerry(ms);
    expect(Math.abs(lc.lengthCoef)).toBeLessThan(0.25);
    for (const m of names) expect(Math.abs(lc.ratings.get(m)! - bt.get(m)!)).toBeLessThan(25);
    expect(lc.ratings.get('x')!).toBeGreaterThan(lc.ratings.get('y')!);
  });

  it("when the longer answer wins and one model writes longer, control shrinks that model's lead", () => {
    const ms: LengthMatch[] = [];
    for (let i = 0; i < 2000; i++) {
      const d = rand() * 0.8 - 0.2 + 0.3; // 'long' mostly writes more
      const p = 1 / (1 + Math.exp(-4 * d));
      ms.push({ modelA: 'long', modelB: 'short', scoreA: rand() < p ? 1 : 0, lengthDiff: d });
    }
    const lc = fitLengthControlled(ms);
    const bt = bradleyTerry(ms);
    expect(lc.lengthCoef).toBeGreaterThan(2);
    const gapBT = bt.get('long')! - bt.get('short')!;
    const gapLC = lc.ratings.get('long')! - lc.ratings.get('short')!;
    expect(gapBT).toBeGreaterThan(150);
    expect(Math.abs(gapLC)).toBeLessThan(gapBT / 3);
  });
});

describe('rows, labels and filters', () => {
  it('aggregate with the core: a flip is a tie, majority over samples, failed never a tie', () => {
    const f = llmbarFixture();
    const it0 = f.items[0]!.id;
    const j = (order: 'AB' | 'BA', v: 'A' | 'B' | null, sample: number) =>
      makeJudgment('r', it0, order, v, { sample, id: `${order}${sample}` });
    const rows = buildRows({
      judgments: [
        j('AB', 'A', 0),
        j('AB', 'A', 1),
        j('AB', 'B', 2),
        j('BA', null, 0),
        j('BA', 'B', 1),
        j('BA', 'B', 2),
      ],
      items: f.items,
      labels: [],
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.verdictAB).toBe('A');
    expect(rows[0]!.verdictBA).toBe('B');
    expect(rows[0]!.verdict).toBe('tie');
    expect(rows[0]!.consistency).toBe('flipped');
    expect(rows[0]!.parseFailed).toBe(1);
  });

  it('your labels feed judge-vs-you agreement, and override gold only when asked', () => {
    const f = llmbarFixture();
    const rows0 = rowsOf(f);
    const picked = rows0.slice(0, 20);
    f.labels = picked.map((r, i) => ({
      itemId: r.itemId,
      label: i < 15 ? (r.verdict ?? 'A') : r.verdict === 'A' ? 'B' : 'A',
      note: i === 0 ? 'checked' : '',
      updatedAt: 1,
    }));
    const rows = rowsOf(f);
    const m = pointMetrics(countTable(rows));
    expect(m.humanAgreement).toBeCloseTo(15 / 20, 12);
    expect(m.accuracy).toBeCloseTo(pointMetrics(countTable(rows0)).accuracy, 12);
    const mine = rowsOf(f, undefined, 'mine');
    const core = pairwiseMetrics(mine.map(toPairRecord)).threeWayAgreement;
    expect(pointMetrics(countTable(mine)).accuracy).toBeCloseTo(core, 12);
    expect(core).not.toBeCloseTo(m.accuracy, 6);
  });

  const llmbar = llmbarFixture();
  const rows = rowsOf(llmbar);
  const full = new Map(llmbar.items.map((it) => [it.id, it]));
  // What ReviewState.loadTexts reads for the text filter: each item's full texts, lowercased.
  const texts = new Map(
    llmbar.items.map((it) => [
      it.id,
      `${it.prompt}\u0000${it.responseA}\u0000${it.responseB ?? ''}`.toLowerCase(),
    ]),
  );
  it.each([
    ['flipped', { flipped: true }, (r: ReviewRow) => r.consistency === 'flipped'],
    ['wrong', { wrong: true }, (r: ReviewRow) => r.label !== null && r.verdict !== r.label],
    ['tie', { tie: true }, (r: ReviewRow) => r.verdict === 'tie'],
    ['parse failed', { parseFailed: true }, (r: ReviewRow) => r.parseFailed > 0],
    ['repaired', { repaired: true }, (r: ReviewRow) => r.parseRepaired > 0],
    ['subset', { subset: 'Natural' }, (r: ReviewRow) => r.subset === 'Natural'],
    [
      'low confidence',
      { lowConfidence: 0.7 },
      (r: ReviewRow) => r.confidence !== null && r.confidence < 0.7,
    ],
    [
      'A longer 2×',
      { minLengthRatio: 2, longer: 'A' as const },
      (r: ReviewRow) => r.lenA! >= 2 * Math.max(1, r.lenB!) && r.lenA! > r.lenB!,
    ],
    [
      'text',
      { text: 'WEATHERMAN' },
      (r: ReviewRow) => {
        const it = full.get(r.itemId)!;
        return /weatherman/i.test(it.prompt + it.responseA + it.responseB);
      },
    ],
  ])('filter %s keeps exactly the matching rows', (_n, f, pred) => {
    const kept = filterRows(rows, { ...NO_FILTER, ...f }, texts);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(rows.length);
    expect(kept).toEqual(rows.filter(pred));
  });
});

describe('text filter before the full texts are read', () => {
  it('searches the digest prompt snippets only', () => {
    const f = llmbarFixture();
    const rows = rowsOf(f);
    const word = f.items[3]!.prompt.split(/\s+/)
      .find((w) => w.length > 6)!
      .toUpperCase();
    const kept = filterRows(rows, { ...NO_FILTER, text: word });
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(
      rows.filter((r) => r.item!.prompt.toLowerCase().includes(word.toLowerCase())),
    );
    expect(kept.every((r) => r.item!.prompt.length <= 160)).toBe(true);
  });
});

describe('dashboard', () => {
  it("subsets are LLMBar's five, each resampled with the same seed", () => {
    const rows = rowsOf(llmbarFixture());
    const d = withIntervals(buildDashboard(rows), { iterations: 200, seed: 1 });
    expect(d.subsets.map((s) => s.name).sort()).toEqual([
      'Adversarial/GPTInst',
      'Adversarial/GPTOut',
      'Adversarial/Manual',
      'Adversarial/Neighbor',
      'Natural',
    ]);
    const natural = d.subsets.find((s) => s.name === 'Natural')!;
    const recs = rows.filter((r) => r.subset === 'Natural').map(toPairRecord);
    const ref = withInterval(recs, (rs) => pairwiseMetrics(rs).threeWayAgreement, {
      iterations: 200,
      seed: 1,
    });
    expect(natural.intervals!.accuracy).toEqual(ref);
    expect(d.overall.counts.items).toBe(419);
    const conf = Object.values(d.confusion).reduce(
      (s, r) => s + Object.values(r).reduce((a, b) => a + b, 0),
      0,
    );
    expect(conf).toBe(419);
    expect(d.calibration).not.toBeNull();
    expect(d.calibration!.bins.reduce((s, b) => s + b.n, 0)).toBe(d.calibration!.n);
    expect(d.length.reduce((s, b) => s + b.n, 0)).toBe(
      rows.filter((r) => r.verdict === 'A' || r.verdict === 'B').length,
    );
    expect(d.usage.judgments).toBe(838);
    expect(d.usage.promptTokens).toBe(rows.reduce((s, r) => s + r.promptTokens, 0));
  });

  it('handles 10,000 items with intervals', () => {
    const rows = rowsOf(syntheticFixture(10_000));
    const d = withIntervals(buildDashboard(rows));
    expect(d.overall.counts.items).toBe(10_000);
    expect(d.overall.intervals!.accuracy.lower).toBeLessThan(d.overall.metrics.accuracy);
    expect(d.subsets).toHaveLength(4);
  }, 120_000);
});

describe('LLMBar reference and export', () => {
  const published = parsePublished(
    readFileSync(sharedDataPath('llmbar/published_accuracy.csv'), 'utf8'),
  );
  it('parses every published row and matches our subsets', () => {
    expect(published).toHaveLength(349);
    const natural = referenceFor(published, 'Natural');
    expect(natural.length).toBe(65);
    expect(natural[0]!.accuracy).toBeGreaterThanOrEqual(natural[1]!.accuracy);
    const gpt4 = referenceFor(published, 'Adversarial/Neighbor', 'Vanilla_NoRules').find(
      (r) => r.evaluator === 'GPT-4',
    );
    expect(gpt4).toBeDefined();
    expect(isLlmbar({ source: 'bundled:llmbar', name: 'x' })).toBe(true);
    expect(isLlmbar({ source: 'mine.jsonl', name: 'pairs' })).toBe(false);
  });

  it('export keeps your label and note apart from the judge verdict', () => {
    const f = llmbarFixture();
    const rows0 = rowsOf(f);
    f.labels = [
      { itemId: rows0[3]!.itemId, label: 'tie', note: '=cmd|calc, "quoted"', updatedAt: 5 },
    ];
    const rows = rowsOf(f);
    const lines = reviewJsonl(f.runs[0], rows, 'test', new Date(0))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({
      type: 'arbiter-review',
      version: 1,
      run: { id: 'run-llmbar' },
    });
    expect(lines).toHaveLength(420);
    expect(lines[4]).toMatchObject({
      itemId: rows0[3]!.itemId,
      humanLabel: 'tie',
      humanNote: '=cmd|calc, "quoted"',
      verdict: rows0[3]!.verdict,
    });
    const csv = reviewCsv(rows);
    expect(csv).toContain(`"'=cmd|calc, ""quoted"""`);
    expect(csv.split('\r\n')).toHaveLength(421);
  });
});
