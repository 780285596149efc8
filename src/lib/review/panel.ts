// The panel review as data: members and the panel side by side, agreement, bias, leave-one-out, split items.
import {
  agreementOf,
  agreementStats,
  agreementBlocks,
  agreementWidth,
  ratingOf,
  writeAgreementCounts,
  type PanelAgreement,
} from '../judge/agreement';
import { scoreAgreement, type ScoreAgreement } from '../judge/metrics';
import { pairwiseLabel, type PairOutcome, type PairResultValue } from '../judge/outcome';
import {
  aggregatePanel,
  fitWeights,
  panelAgrees,
  type FitOptions,
  type FittedWeights,
  type PanelOptions,
  type PanelResult,
  type PanelRule,
} from '../judge/panel';
import { patternTable, resampleJob, type ResampleJob, type SumsStat } from '../judge/resample';
import { REVIEW_BOOTSTRAP } from './dashboard';
import { BOOTSTRAP_CHUNK, type IntervalHooks } from './intervals';
import { afterPaint, tick } from './schedule';
import type { BootstrapOptions, Interval } from '../judge/stats';
import type { Verdict } from '../judge/types';

/**
 * A member's result on one item: PairOutcome's result (a PairOutcome from pairOutcome will do),
 * with the verdict of each order in the item's original positions when known (undefined: that
 * order was not run; null: it did not parse), which position bias needs.
 */
export interface PanelMemberOutcome extends Pick<PairOutcome, 'result'> {
  verdictAB?: Verdict | null | undefined;
  verdictBA?: Verdict | null | undefined;
}

export interface PanelMemberInput {
  runId: string;
  modelId: string;
  /** Aligned with the review's items; null or undefined: the member has no judgment for the item. */
  outcomes: readonly (PanelMemberOutcome | null | undefined)[];
}

export interface PanelItemInput {
  itemId: string;
  /** The gold label: a pairwise verdict, a score (single answer), or none. */
  label: unknown;
  /** Answer lengths (characters), for length bias. */
  lenA?: number | undefined;
  lenB?: number | undefined;
}

export interface PanelReviewInput {
  items: readonly PanelItemInput[];
  members: readonly PanelMemberInput[];
  /** Default: 'mean' when a member has a score, else 'majority'. */
  rule?: PanelRule;
  tiesAllowed?: boolean;
  /** `'weighted'`: how weights are fit (fitWeights); with `heldOut` the review covers the held-out items only. */
  weighting?: FitOptions;
  /** Default PANEL_BOOTSTRAP (1,000 resamples, seed 1, 95%); 0 iterations leaves the bounds NaN. */
  bootstrap?: BootstrapOptions;
}

/** Agreement with labels, named as the rest of Arbiter names it (LabelAgreement). */
export interface AccuracyFigures {
  /** Items with a pairwise label that the judge has (for the panel: any member has). */
  labelled: number;
  /** Of those, items with a verdict read (a flip is read, and wrong). */
  parsed: number;
  agree: number;
  /** agree / parsed. */
  accuracy: Interval;
  /** agree / labelled: a failure counts as wrong. */
  strictAccuracy: Interval;
}

export interface BiasFigures {
  /** Items judged in both orders. */
  bothOrders: number;
  /** Share of those whose two orders' verdicts differ. */
  flipRate: Interval;
  /** Decisive (A or B) verdicts of single orders. */
  decisive: number;
  /** Share of those for the answer shown first. */
  firstPositionPreference: Interval;
  /** Items with answers of different lengths and a decisive final verdict. */
  lengthN: number;
  /** Share of those where the chosen answer is the longer one. */
  longerAnswerRate: Interval;
}

export interface JudgeFigures {
  accuracy: AccuracyFigures;
  bias: BiasFigures;
  /** Single answer with score labels: scores against them. */
  scores: ScoreAgreement | null;
}

export interface MemberFigures extends JudgeFigures {
  runId: string;
  modelId: string;
  /** `'weighted'`: the member's weight. */
  weight: number | null;
}

export interface LeaveOneOut {
  member: number;
  runId: string;
  modelId: string;
  /** The panel's accuracy without the member (same rule, the others' votes). */
  accuracy: Interval;
  /** That minus the whole panel's accuracy: negative when the member helps. */
  change: Interval;
  strictAccuracy: Interval;
  strictChange: Interval;
}

export interface PanelReview {
  rule: PanelRule;
  tiesAllowed: boolean;
  pairwise: boolean;
  /** Indices (into the input's items) the review covers: all, or the held-out ones. */
  scored: number[];
  members: MemberFigures[];
  panel: JudgeFigures;
  agreement: PanelAgreement;
  /** Pairwise only; empty for a single-answer panel or a panel of fewer than three. */
  leaveOneOut: LeaveOneOut[];
  /** The panel's result per scored item, aligned with `scored`. */
  results: PanelResult[];
  /**
   * Indices (into the input's items) where the members split, in triage order: the panel wrong
   * against the label first, then the closest votes, then item order.
   */
  splitItems: number[];
  weights: FittedWeights | null;
}

/** Columns of one judge's block in an item's count vector (see judgeCounts). */
const J = {
  labelled: 0,
  parsed: 1,
  agree: 2,
  both: 3,
  flip: 4,
  decisive: 5,
  first: 6,
  lengthN: 7,
  longer: 8,
};
const JW = 9;
/** A leave-one-out block: the panel-without-one's parsed and agree (labelled is the panel's). */
const LW = 2;

const ratio = (a: number, b: number) => (b === 0 ? NaN : a / b);

/** A member's per-order verdicts as panel inputs: undefined (order not run) → missing, null → failed. */
function orderValue(v: Verdict | null | undefined): PairResultValue | null {
  return v === undefined ? null : v === null ? 'failed' : v;
}

/** One judge's counts on one item. `orders` undefined: not known. */
function judgeCounts(
  out: Float64Array,
  at: number,
  present: boolean,
  agrees: boolean | null,
  labelled: boolean,
  final: PairResultValue | null,
  ab: Verdict | null | undefined,
  ba: Verdict | null | undefined,
  longerIs: 'A' | 'B' | null,
): void {
  if (!present) return;
  if (labelled) {
    out[at + J.labelled] = 1;
    if (agrees !== null) {
      out[at + J.parsed] = 1;
      if (agrees) out[at + J.agree] = 1;
    }
  }
  if (ab !== undefined && ba !== undefined) {
    out[at + J.both] = 1;
    if (ab !== null && ba !== null && ab !== ba) out[at + J.flip] = 1;
  }
  for (const [v, first] of [
    [ab, 'A'],
    [ba, 'B'],
  ] as const) {
    if (v === 'A' || v === 'B') {
      out[at + J.decisive]! += 1;
      if (v === first) out[at + J.first]! += 1;
    }
  }
  if (longerIs !== null && (final === 'A' || final === 'B')) {
    out[at + J.lengthN] = 1;
    if (final === longerIs) out[at + J.longer] = 1;
  }
}

function judgeStats(at: number): SumsStat[] {
  return [
    (s) => ratio(s[at + J.agree]!, s[at + J.parsed]!),
    (s) => ratio(s[at + J.agree]!, s[at + J.labelled]!),
    (s) => ratio(s[at + J.flip]!, s[at + J.both]!),
    (s) => ratio(s[at + J.first]!, s[at + J.decisive]!),
    (s) => ratio(s[at + J.longer]!, s[at + J.lengthN]!),
  ];
}

function judgeFigures(
  sums: Float64Array,
  at: number,
  iv: Interval[],
  scores: ScoreAgreement | null,
): JudgeFigures {
  return {
    accuracy: {
      labelled: sums[at + J.labelled]!,
      parsed: sums[at + J.parsed]!,
      agree: sums[at + J.agree]!,
      accuracy: iv[0]!,
      strictAccuracy: iv[1]!,
    },
    bias: {
      bothOrders: sums[at + J.both]!,
      flipRate: iv[2]!,
      decisive: sums[at + J.decisive]!,
      firstPositionPreference: iv[3]!,
      lengthN: sums[at + J.lengthN]!,
      longerAnswerRate: iv[4]!,
    },
    scores,
  };
}

/** Defaults of the panel review's intervals: the run review's (REVIEW_BOOTSTRAP). */
export const PANEL_BOOTSTRAP: Required<BootstrapOptions> = REVIEW_BOOTSTRAP;

/** A panel review whose figures are computed and whose intervals are still to resample. */
export interface PreparedPanelReview {
  /** Every figure; each interval's bounds NaN (its estimate is set). */
  review: PanelReview;
  /** The bootstrap of every interval at once (PANEL_BOOTSTRAP unless overridden), to step in chunks. */
  intervalsJob(opts?: BootstrapOptions): ResampleJob;
  /** The review with the job's result as its intervals. */
  withIntervals(intervals: Interval[]): PanelReview;
}

/** Everything the panel review shows, from its members' outcomes, intervals to come. Pure: no store, no DOM. */
export function preparePanelReview(input: PanelReviewInput): PreparedPanelReview {
  const { members } = input;
  const M = members.length;
  const rule: PanelRule =
    input.rule ??
    (members.some((m) => m.outcomes.some((o) => typeof o?.result === 'number'))
      ? 'mean'
      : 'majority');
  const pairwise = rule !== 'mean';
  const tiesAllowed = input.tiesAllowed ?? true;
  const labels = input.items.map((it) => pairwiseLabel(it.label));
  const resultOf = (m: number, i: number): PairResultValue | null =>
    members[m]!.outcomes[i]?.result ?? null;

  let weights: FittedWeights | null = null;
  let scored = input.items.map((_, i) => i);
  if (rule === 'weighted') {
    weights = fitWeights(
      members.map((_, m) => input.items.map((_, i) => resultOf(m, i))),
      labels,
      input.weighting,
    );
    scored = weights.split.score;
  }
  const opts: PanelOptions = {
    rule,
    tiesAllowed,
    ...(weights ? { weights: weights.weights } : {}),
  };
  const looOpts = members.map((_, m): PanelOptions => ({
    ...opts,
    ...(weights ? { weights: weights.weights.filter((_, k) => k !== m) } : {}),
  }));
  const withLoo = pairwise && M >= 3;

  const panelAt = M * JW;
  const looAt = panelAt + JW;
  const agreeAt = looAt + (withLoo ? M * LW : 0);
  const width = agreeAt + agreementWidth(M);
  const results: PanelResult[] = new Array<PanelResult>(scored.length);
  const margins = new Float64Array(scored.length);
  const wrong = new Uint8Array(scored.length);

  // Items repeat a few combinations of members' verdicts: each is aggregated once (results are
  // shared, never changed). `without` is the member left out (-1: none), as the weights differ.
  const memo = new Map<string, PanelResult>();
  const aggregate = (values: (PairResultValue | null)[], o: PanelOptions, without: number) => {
    if (!pairwise) return aggregatePanel(values, o);
    const key = `${without}:${values.map((v) => (v === null ? '.' : v)).join(',')}`;
    let r = memo.get(key);
    if (!r) memo.set(key, (r = aggregatePanel(values, o)));
    return r;
  };

  // Members vary independently: each judge's columns, leave-one-out and each kappa resample apart.
  const blocks = [...members.map((_, m) => m * JW), panelAt, looAt, ...agreementBlocks(agreeAt, M)];
  const table = patternTable(
    scored.length,
    width,
    (s, out) => {
      const i = scored[s]!;
      const item = input.items[i]!;
      const label = labels[i] ?? null;
      const labelled = label !== null;
      const longerIs =
        item.lenA === undefined || item.lenB === undefined || item.lenA === item.lenB
          ? null
          : item.lenA > item.lenB
            ? 'A'
            : 'B';
      const finals = members.map((_, m) => resultOf(m, i));
      for (let m = 0; m < M; m++) {
        const o = members[m]!.outcomes[i];
        const v = finals[m]!;
        const agrees = v === null || v === 'failed' || typeof v === 'number' ? null : v === label;
        judgeCounts(
          out,
          m * JW,
          o != null,
          agrees,
          labelled,
          v,
          o?.verdictAB,
          o?.verdictBA,
          longerIs,
        );
      }
      const r = aggregate(finals, opts, -1);
      results[s] = r;
      const sorted = [r.votes.A, r.votes.B, r.votes.tie].sort((a, b) => b - a);
      margins[s] = sorted[0]! - sorted[1]!;
      const agrees = pairwise ? panelAgrees(r, label) : null;
      wrong[s] = agrees === false ? 1 : 0;
      if (pairwise) {
        const ab = aggregate(
          members.map((_, m) => orderValue(members[m]!.outcomes[i]?.verdictAB)),
          opts,
          -1,
        );
        const ba = aggregate(
          members.map((_, m) => orderValue(members[m]!.outcomes[i]?.verdictBA)),
          opts,
          -1,
        );
        const side = (p: PanelResult): Verdict | null | undefined =>
          p.noVerdict === 'no-members' ? undefined : (p.result as Verdict | null);
        const present = r.missing.length < M;
        judgeCounts(
          out,
          panelAt,
          present,
          agrees,
          labelled,
          r.result,
          side(ab),
          side(ba),
          longerIs,
        );
      }
      if (withLoo && labelled) {
        for (let m = 0; m < M; m++) {
          const loo = aggregate(
            finals.filter((_, k) => k !== m),
            looOpts[m]!,
            m,
          );
          const a = panelAgrees(loo, label);
          if (a !== null) {
            out[looAt + m * LW] = 1;
            if (a) out[looAt + m * LW + 1] = 1;
          }
        }
      }
      if (pairwise) writeAgreementCounts(finals.map(ratingOf), out, agreeAt);
    },
    blocks,
  );

  const stats: SumsStat[] = [];
  for (let m = 0; m < M; m++) stats.push(...judgeStats(m * JW));
  stats.push(...judgeStats(panelAt));
  if (withLoo) {
    const acc = (s: Float64Array) => ratio(s[panelAt + J.agree]!, s[panelAt + J.parsed]!);
    const strict = (s: Float64Array) => ratio(s[panelAt + J.agree]!, s[panelAt + J.labelled]!);
    for (let m = 0; m < M; m++) {
      const at = looAt + m * LW;
      const looAcc = (s: Float64Array) => ratio(s[at + 1]!, s[at]!);
      const looStrict = (s: Float64Array) => ratio(s[at + 1]!, s[panelAt + J.labelled]!);
      stats.push(
        looAcc,
        (s) => looAcc(s) - acc(s),
        looStrict,
        (s) => looStrict(s) - strict(s),
      );
    }
  }
  const agreementFrom = stats.length;
  stats.push(...agreementStats(agreeAt, M));
  const scoreLabels = scored.map((i) => {
    const l = input.items[i]!.label;
    return typeof l === 'number' && Number.isFinite(l) ? l : null;
  });
  const scoresOf = (values: (number | null)[]): ScoreAgreement | null =>
    pairwise || scoreLabels.every((l) => l === null) ? null : scoreAgreement(values, scoreLabels);
  const num = (v: PairResultValue | Verdict | number | null | undefined) =>
    typeof v === 'number' ? v : null;

  const splitAt: number[] = [];
  results.forEach((r, s) => {
    if (r.split) splitAt.push(s);
  });
  splitAt.sort((a, b) => wrong[b]! - wrong[a]! || margins[a]! - margins[b]! || a - b);
  const splitItems = splitAt.map((s) => scored[s]!);
  const memberScores = members.map((_, m) => scoresOf(scored.map((i) => num(resultOf(m, i)))));
  const panelScores = scoresOf(results.map((r) => num(r.result)));

  const assemble = (iv: Interval[]): PanelReview => {
    const memberFigures = members.map((mem, m): MemberFigures => ({
      runId: mem.runId,
      modelId: mem.modelId,
      weight: weights ? weights.weights[m]! : null,
      ...judgeFigures(table.sums, m * JW, iv.slice(m * 5, m * 5 + 5), memberScores[m]!),
    }));
    const panel = judgeFigures(table.sums, panelAt, iv.slice(M * 5, M * 5 + 5), panelScores);
    const leaveOneOut: LeaveOneOut[] = withLoo
      ? members.map((mem, m) => {
          const at = (M + 1) * 5 + m * 4;
          return {
            member: m,
            runId: mem.runId,
            modelId: mem.modelId,
            accuracy: iv[at]!,
            change: iv[at + 1]!,
            strictAccuracy: iv[at + 2]!,
            strictChange: iv[at + 3]!,
          };
        })
      : [];
    const agreement = agreementOf(table, agreeAt, M, iv.slice(agreementFrom));
    return {
      rule,
      tiesAllowed,
      pairwise,
      scored,
      members: memberFigures,
      panel,
      agreement,
      leaveOneOut,
      results,
      splitItems,
      weights,
    };
  };

  const points = stats.map((stat): Interval => ({
    estimate: stat(table.sums),
    lower: NaN,
    upper: NaN,
  }));
  return {
    review: assemble(points),
    intervalsJob: (opts = {}) => resampleJob(table, stats, { ...PANEL_BOOTSTRAP, ...opts }),
    withIntervals: assemble,
  };
}

/**
 * Everything the panel review shows, with every interval (`input.bootstrap`, default
 * PANEL_BOOTSTRAP; 0 iterations leaves the bounds NaN). A view that must paint first uses
 * preparePanelReview and fillPanelIntervals instead: the same numbers.
 */
export function buildPanelReview(input: PanelReviewInput): PanelReview {
  const prepared = preparePanelReview(input);
  const job = prepared.intervalsJob(input.bootstrap);
  if (job.iterations === 0) return prepared.review;
  job.step(Infinity);
  return prepared.withIntervals(job.result());
}

/**
 * The review with its intervals, resampled in chunks after the point figures are painted (as the
 * run review's fillIntervals does); null when `live()` turned false first.
 */
export async function fillPanelIntervals(
  prepared: PreparedPanelReview,
  hooks: IntervalHooks,
  opts: BootstrapOptions = {},
): Promise<PanelReview | null> {
  const { live, onProgress, start = afterPaint, between = tick } = hooks;
  const job = prepared.intervalsJob(opts);
  onProgress(0, job.iterations);
  await start();
  if (!live()) return null;
  while (!job.done) {
    await between();
    if (!live()) return null;
    onProgress(job.step(BOOTSTRAP_CHUNK), job.iterations);
  }
  return prepared.withIntervals(job.result());
}
