// Two runs side by side: agreement and Cohen's kappa of their final verdicts on shared items, and where they differ.
import { cohenKappa, type Interval, bootstrap, type BootstrapOptions } from '../judge/stats';
import type { Verdict } from '../judge/types';
import type { ReviewRow } from './rows';

export interface ComparedItem {
  itemId: string;
  a: ReviewRow;
  b: ReviewRow;
  same: boolean;
}

export type CrossKey = Verdict | 'failed';
const KEYS: CrossKey[] = ['A', 'B', 'tie', 'failed'];

export interface RunComparison {
  /** Items judged by both runs, in run A's order. */
  shared: ComparedItem[];
  onlyA: number;
  onlyB: number;
  /** Share of shared items with the same final verdict (a failed parse is its own category). */
  agreement: Interval;
  /** Cohen's kappa between the two runs' final verdicts (the core's cohenKappa). */
  kappa: number;
  /** cross[a][b]: run A said a, run B said b. */
  cross: Record<CrossKey, Record<CrossKey, number>>;
  /** Accuracy of each run on shared items with a label. */
  accuracyA: number;
  accuracyB: number;
  labelled: number;
  /** Shared items where the runs' verdicts differ. */
  differing: ComparedItem[];
}

const key = (v: Verdict | null): CrossKey => v ?? 'failed';

export function compareRuns(
  a: readonly ReviewRow[],
  b: readonly ReviewRow[],
  opts: BootstrapOptions = {},
): RunComparison {
  const byId = new Map(b.map((r) => [r.itemId, r]));
  const shared: ComparedItem[] = [];
  for (const ra of a) {
    const rb = byId.get(ra.itemId);
    if (rb) shared.push({ itemId: ra.itemId, a: ra, b: rb, same: ra.verdict === rb.verdict });
  }
  const cross = Object.fromEntries(
    KEYS.map((k) => [k, Object.fromEntries(KEYS.map((l) => [l, 0]))]),
  ) as RunComparison['cross'];
  for (const s of shared) cross[key(s.a.verdict)][key(s.b.verdict)]++;
  const labelled = shared.filter((s) => s.a.label !== null);
  const rate = (n: number, d: number) => (d === 0 ? NaN : n / d);
  return {
    shared,
    onlyA: a.length - shared.length,
    onlyB: b.length - shared.length,
    agreement: bootstrap(shared, (xs) => rate(xs.filter((x) => x.same).length, xs.length), {
      iterations: 1000,
      seed: 1,
      ...opts,
    }),
    kappa: cohenKappa(
      shared.map((s) => s.a.verdict),
      shared.map((s) => s.b.verdict),
    ),
    cross,
    accuracyA: rate(labelled.filter((s) => s.a.verdict === s.a.label).length, labelled.length),
    accuracyB: rate(labelled.filter((s) => s.b.verdict === s.a.label).length, labelled.length),
    labelled: labelled.length,
    differing: shared.filter((s) => !s.same),
  };
}

/**
 * What the compare picker adds to a run's name beside the other chosen run: runs of another
 * dataset (or a single judged pair) share no item with it, so comparing them shows nothing.
 */
export function compareHint(
  run: { id: string; datasetId?: string },
  other: { id: string; datasetId?: string } | undefined,
): string {
  if (!other || other.id === run.id) return '';
  if (run.datasetId === undefined) return ' (a single pair: nothing in common)';
  if (run.datasetId !== other.datasetId) return ' (other dataset: nothing in common)';
  return '';
}
