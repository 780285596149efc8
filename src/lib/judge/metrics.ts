// Metrics over judged items with labels, as DESIGN.md defines them once.
import { combineOrders } from './aggregate';
import { bradleyTerryWithIntervals, type BradleyTerryResult, type Match } from './bradley-terry';
import {
  bootstrap,
  cohenKappa,
  kendallTauB,
  meanAbsoluteError,
  pearson,
  spearman,
  type BootstrapOptions,
  type Interval,
} from './stats';
import type { Verdict } from './types';

/** One judged pairwise item. BA verdicts are already mapped back to the original positions. */
export interface PairRecord {
  label: Verdict | null;
  verdictAB: Verdict | null;
  /** undefined = the B/A order was not run; null = it ran and failed to parse. */
  verdictBA?: Verdict | null;
  modelA?: string;
  modelB?: string;
  lenA?: number;
  lenB?: number;
  /** Preference strength of each order's verdict when the protocol grades it (Arena-Hard `A>>B` = 2). */
  strengthAB?: number | null;
  strengthBA?: number | null;
}

export interface PairwiseMetrics {
  n: number;
  labelled: number;
  accuracyAB: number;
  accuracyBA: number;
  /** Mean of the per-order accuracies (LLMBar's Acc.). */
  accuracyMean: number;
  /** Right in both orders (J1; Auto-J "agreement"). */
  consistentAccuracy: number;
  /** Same verdict after the swap (Auto-J "consistency", LLMBar Agr.). */
  positionalAgreement: number;
  flipRate: number;
  tieRate: number;
  parseFailureRate: number;
  /** Share of decisive verdicts that picked whichever answer was shown first. */
  firstPositionPreference: number;
  /** Final verdict (a flip counts as a tie) against labels that include ties. */
  threeWayAgreement: number;
}

const rate = (hits: number, n: number) => (n === 0 ? NaN : hits / n);

export function pairwiseMetrics(records: readonly PairRecord[]): PairwiseMetrics {
  const labelled = records.filter((r) => r.label !== null);
  const both = records.filter((r) => r.verdictBA !== undefined);
  const labelledBoth = labelled.filter((r) => r.verdictBA !== undefined);
  const accAB = rate(labelled.filter((r) => r.verdictAB === r.label).length, labelled.length);
  const accBA = rate(
    labelledBoth.filter((r) => r.verdictBA === r.label).length,
    labelledBoth.length,
  );
  const shown: { v: Verdict | null; firstIs: Verdict }[] = [];
  for (const r of records) {
    shown.push({ v: r.verdictAB, firstIs: 'A' });
    if (r.verdictBA !== undefined) shown.push({ v: r.verdictBA, firstIs: 'B' });
  }
  const decisive = shown.filter((s) => s.v === 'A' || s.v === 'B');
  return {
    n: records.length,
    labelled: labelled.length,
    accuracyAB: accAB,
    accuracyBA: accBA,
    accuracyMean: Number.isNaN(accBA) ? accAB : (accAB + accBA) / 2,
    consistentAccuracy: rate(
      labelledBoth.filter((r) => r.verdictAB === r.label && r.verdictBA === r.label).length,
      labelledBoth.length,
    ),
    positionalAgreement: rate(
      both.filter((r) => r.verdictAB !== null && r.verdictAB === r.verdictBA).length,
      both.length,
    ),
    flipRate: rate(
      both.filter((r) => r.verdictAB !== null && r.verdictBA != null && r.verdictAB !== r.verdictBA)
        .length,
      both.length,
    ),
    tieRate: rate(shown.filter((s) => s.v === 'tie').length, shown.length),
    parseFailureRate: rate(shown.filter((s) => s.v === null).length, shown.length),
    firstPositionPreference: rate(
      decisive.filter((s) => s.v === s.firstIs).length,
      decisive.length,
    ),
    threeWayAgreement: rate(
      labelled.filter((r) => combineOrders(r.verdictAB, r.verdictBA).verdict === r.label).length,
      labelled.length,
    ),
  };
}

export interface ClassStats {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Classification {
  accuracy: number;
  perClass: Record<Verdict, ClassStats>;
  macroF1: number;
  /** confusion[label][prediction]; a failed parse is the prediction 'failed'. */
  confusion: Record<Verdict, Record<Verdict | 'failed', number>>;
}

const CLASSES: Verdict[] = ['A', 'B', 'tie'];

/**
 * Per-class precision/recall/F1 of predictions against labels. A failed parse predicts no class:
 * it costs recall and never counts as a tie. Macro-F1 averages over `classes`.
 */
export function classification(
  predictions: readonly (Verdict | null)[],
  labels: readonly Verdict[],
  classes: readonly Verdict[] = CLASSES,
): Classification {
  const confusion = Object.fromEntries(
    CLASSES.map((l) => [l, { A: 0, B: 0, tie: 0, failed: 0 }]),
  ) as Classification['confusion'];
  let correct = 0;
  labels.forEach((label, i) => {
    const p = predictions[i] ?? null;
    confusion[label][p ?? 'failed']++;
    if (p === label) correct++;
  });
  const perClass = {} as Record<Verdict, ClassStats>;
  for (const c of CLASSES) {
    const tp = confusion[c][c];
    const predicted = CLASSES.reduce((a, l) => a + confusion[l][c], 0);
    const support = CLASSES.reduce((a, p) => a + confusion[c][p], 0) + confusion[c].failed;
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass[c] = { precision, recall, f1, support };
  }
  const macroF1 = classes.reduce((a, c) => a + perClass[c].f1, 0) / classes.length;
  return { accuracy: rate(correct, labels.length), perClass, macroF1, confusion };
}

/** Cohen's kappa of the A/B order verdicts (or final verdicts) against the labels. */
export function kappaAgainstLabels(
  records: readonly PairRecord[],
  use: 'AB' | 'final' = 'final',
): number {
  const labelled = records.filter((r) => r.label !== null);
  const preds = labelled.map((r) =>
    use === 'AB' ? r.verdictAB : combineOrders(r.verdictAB, r.verdictBA).verdict,
  );
  return cohenKappa(
    preds,
    labelled.map((r) => r.label),
  );
}

/** Any numeric metric of records, with a seeded percentile-bootstrap 95% interval. */
export function withInterval(
  records: readonly PairRecord[],
  metric: (rs: PairRecord[]) => number,
  opts: BootstrapOptions = {},
): Interval {
  return bootstrap(records, metric, opts);
}

export interface WinRate {
  model: string;
  wins: number;
  losses: number;
  ties: number;
  games: number;
  /** (wins + ties/2) / games. */
  winRate: number;
}

/**
 * How verdicts become games for the ratings. 'plain': one game per item, from its final verdict
 * (a flip counts as a tie). 'arena-hard': as Arena-Hard's show_result.py counts them, each order's
 * verdict is a game of its own, a strong one (A>>B) counts ARENA_HARD_WEIGHT times, a tie once as
 * half a win each, and a verdict that did not parse not at all.
 */
export type Weighting = 'plain' | 'arena-hard';

/** Arena-Hard's default `--weight`: a strong verdict counts as three games. */
export const ARENA_HARD_WEIGHT = 3;

const scoreOf = (v: Verdict) => (v === 'A' ? 1 : v === 'B' ? 0 : 0.5);

/** Pairs with model names and a verdict as matches, counted as `weighting` says. */
export function toMatches(records: readonly PairRecord[], weighting: Weighting = 'plain'): Match[] {
  const out: Match[] = [];
  for (const r of records) {
    if (!r.modelA || !r.modelB) continue;
    if (weighting === 'plain') {
      const v = combineOrders(r.verdictAB, r.verdictBA).verdict;
      if (v !== null) out.push({ modelA: r.modelA, modelB: r.modelB, scoreA: scoreOf(v) });
      continue;
    }
    const games: [Verdict | null | undefined, number | null | undefined][] = [
      [r.verdictAB, r.strengthAB],
      [r.verdictBA, r.strengthBA],
    ];
    for (const [v, strength] of games) {
      if (v === null || v === undefined) continue;
      const copies = v !== 'tie' && (strength ?? 1) >= 2 ? ARENA_HARD_WEIGHT : 1;
      for (let c = 0; c < copies; c++)
        out.push({ modelA: r.modelA, modelB: r.modelB, scoreA: scoreOf(v) });
    }
  }
  return out;
}

export function winRates(records: readonly PairRecord[]): WinRate[] {
  const table = new Map<string, WinRate>();
  const row = (model: string) => {
    let r = table.get(model);
    if (!r) {
      r = { model, wins: 0, losses: 0, ties: 0, games: 0, winRate: 0 };
      table.set(model, r);
    }
    return r;
  };
  for (const m of toMatches(records)) {
    const a = row(m.modelA);
    const b = row(m.modelB);
    a.games++;
    b.games++;
    a.wins += m.scoreA === 1 ? 1 : 0;
    a.losses += m.scoreA === 0 ? 1 : 0;
    a.ties += m.scoreA === 0.5 ? 1 : 0;
    b.wins += m.scoreA === 0 ? 1 : 0;
    b.losses += m.scoreA === 1 ? 1 : 0;
    b.ties += m.scoreA === 0.5 ? 1 : 0;
  }
  for (const r of table.values()) r.winRate = rate(r.wins + r.ties / 2, r.games);
  return [...table.values()].sort((x, y) => y.winRate - x.winRate);
}

/** Bradley-Terry ratings (Arena-Hard's Elo scale) with bootstrap intervals, games counted as `weighting` says. */
export function leaderboard(
  records: readonly PairRecord[],
  opts: BootstrapOptions = {},
  weighting: Weighting = 'plain',
): BradleyTerryResult {
  return bradleyTerryWithIntervals(toMatches(records, weighting), opts);
}

/** How often the longer answer wins among decisive final verdicts on pairs of unequal length. */
export function longerAnswerWinRate(records: readonly PairRecord[]): number {
  let n = 0;
  let longer = 0;
  for (const r of records) {
    if (r.lenA === undefined || r.lenB === undefined || r.lenA === r.lenB) continue;
    const v = combineOrders(r.verdictAB, r.verdictBA).verdict;
    if (v !== 'A' && v !== 'B') continue;
    n++;
    if ((v === 'A') === r.lenA > r.lenB) longer++;
  }
  return rate(longer, n);
}

export interface ScoreAgreement {
  n: number;
  pearson: number;
  spearman: number;
  kendallTauB: number;
  mae: number;
}

/** Judge scores against reference scores; pairs where either is missing are left out. */
export function scoreAgreement(
  scores: readonly (number | null)[],
  reference: readonly (number | null)[],
): ScoreAgreement {
  const x: number[] = [];
  const y: number[] = [];
  scores.forEach((s, i) => {
    const r = reference[i];
    if (s === null || r === null || r === undefined) return;
    x.push(s);
    y.push(r);
  });
  return {
    n: x.length,
    pearson: pearson(x, y),
    spearman: spearman(x, y),
    kendallTauB: kendallTauB(x, y),
    mae: meanAbsoluteError(x, y),
  };
}
