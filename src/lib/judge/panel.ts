// A panel (jury) of judges: one item's verdict from its members' results, and weights learned from labels.
import { mulberry32 } from './stats';
import type { PairResultValue } from './outcome';
import type { Verdict } from './types';

/**
 * How a panel turns its members' results into one: `'majority'` (plurality of final verdicts),
 * `'weighted'` (the same with a weight per member, see fitWeights), `'mean'` (single-answer scores).
 */
export type PanelRule = 'majority' | 'weighted' | 'mean';

export interface PanelOptions {
  rule: PanelRule;
  /**
   * Whether the protocol allows a tie verdict (default true). With ties allowed, A and B level at
   * the top make the panel call a tie; without, the panel has no verdict and a member's 'tie'
   * abstains.
   */
  tiesAllowed?: boolean;
  /** `'weighted'`: one weight per member, in member order (fitWeights). */
  weights?: readonly number[];
}

/** Why a member did not vote on an item. */
export type AbstainReason = 'flipped' | 'failed' | 'tie-not-allowed';

/** Why the panel has no verdict for an item. */
export type NoVerdictReason =
  /** No member has a judgment for the item. */
  | 'no-members'
  /** Every member present flipped or failed. */
  | 'all-abstained'
  /** The top votes are level (A and B without ties, or a side and 'tie'). */
  | 'deadlock';

/** The panel's result for one item, with what it rests on. */
export interface PanelResult {
  rule: PanelRule;
  /**
   * Pairwise: 'A', 'B' or 'tie'; `'mean'`: the mean score; null when there is none
   * (see `noVerdict`).
   */
  result: Verdict | number | null;
  /** Votes per verdict: counts (`'majority'`) or sums of weights (`'weighted'`); zero for `'mean'`. */
  votes: Record<Verdict, number>;
  /** Members (indices) that voted or, for `'mean'`, were scored. */
  voters: number[];
  /** Members present that did not vote, with why. */
  abstained: { member: number; reason: AbstainReason }[];
  /** Members with no judgment for the item (null). */
  missing: number[];
  /**
   * The members present with a verdict read (flips included, failures and missing left out) did not
   * all say the same: A, B, tie and flipped are four different answers. `'mean'`: scores differ.
   */
  split: boolean;
  /** Set when `result` is null. */
  noVerdict: NoVerdictReason | null;
}

const VERDICTS: readonly Verdict[] = ['A', 'B', 'tie'];

function isVerdict(v: PairResultValue | null): v is Verdict {
  return v === 'A' || v === 'B' || v === 'tie';
}

/** Whether the read results (flips counted, failures and missing not) are not all the same. */
function isSplit(members: readonly (PairResultValue | null)[]): boolean {
  let first: PairResultValue | undefined;
  for (const v of members) {
    if (v === null || v === 'failed') continue;
    if (first === undefined) first = v;
    else if (v !== first) return true;
  }
  return false;
}

/**
 * The panel's result for one item from its members' results (PairResultValue; null = the member
 * has no judgment for the item). Rules, in README "Panels":
 * - majority: each member with a verdict (A, B, tie) has one vote; a flipped or failed member
 *   abstains, a missing one is absent. The most votes win. Level top votes: A and B level (with or
 *   without ties level with them) make a tie when the protocol allows ties, else no verdict; a side
 *   level with 'tie' is no verdict.
 * - weighted: as majority, each vote counting its member's weight.
 * - mean: the mean of the members' scores; failed and missing members are left out.
 */
export function aggregatePanel(
  members: readonly (PairResultValue | null)[],
  opts: PanelOptions,
): PanelResult {
  const { rule, tiesAllowed = true } = opts;
  const votes: Record<Verdict, number> = { A: 0, B: 0, tie: 0 };
  const voters: number[] = [];
  const abstained: PanelResult['abstained'] = [];
  const missing: number[] = [];
  const split = isSplit(members);
  if (rule === 'mean') {
    let sum = 0;
    members.forEach((v, m) => {
      if (v === null) missing.push(m);
      else if (typeof v === 'number' && Number.isFinite(v)) {
        sum += v;
        voters.push(m);
      } else abstained.push({ member: m, reason: v === 'flipped' ? 'flipped' : 'failed' });
    });
    const none = voters.length === 0;
    return {
      rule,
      result: none ? null : sum / voters.length,
      votes,
      voters,
      abstained,
      missing,
      split,
      noVerdict: !none ? null : missing.length === members.length ? 'no-members' : 'all-abstained',
    };
  }
  if (rule === 'weighted' && opts.weights?.length !== members.length) {
    throw new Error(
      `weighted panel: ${members.length} members but ${opts.weights?.length ?? 0} weights`,
    );
  }
  members.forEach((v, m) => {
    if (v === null) missing.push(m);
    else if (!isVerdict(v))
      abstained.push({ member: m, reason: v === 'flipped' ? 'flipped' : 'failed' });
    else if (v === 'tie' && !tiesAllowed) abstained.push({ member: m, reason: 'tie-not-allowed' });
    else {
      votes[v] += rule === 'weighted' ? (opts.weights?.[m] ?? 0) : 1;
      voters.push(m);
    }
  });
  let result: Verdict | null = null;
  let noVerdict: NoVerdictReason | null = null;
  if (voters.length === 0) {
    noVerdict = missing.length === members.length ? 'no-members' : 'all-abstained';
  } else {
    const top = Math.max(votes.A, votes.B, votes.tie);
    const atTop = VERDICTS.filter((v) => votes[v] === top);
    if (atTop.length === 1) result = atTop[0]!;
    else if (atTop.includes('A') && atTop.includes('B') && tiesAllowed) result = 'tie';
    else noVerdict = 'deadlock';
  }
  return { rule, result, votes, voters, abstained, missing, split, noVerdict };
}

/**
 * Whether the panel's result agrees with a pairwise label, as agreesWithLabel says it for one
 * judge: null when there is no pairwise label or nothing could be read (every member present
 * failed or is missing: a failure is not a disagreement); false when members' verdicts were read
 * but the panel reached none (all flipped, or a deadlock), as a flip never agrees.
 */
export function panelAgrees(r: PanelResult, label: Verdict | null): boolean | null {
  if (label === null) return null;
  if (r.result !== null) return r.result === label;
  const read = r.voters.length + r.abstained.filter((a) => a.reason !== 'failed').length;
  return read === 0 ? null : false;
}

/** A deterministic split of n items into a part to fit weights on and a part to score. */
export interface ItemSplit {
  /** Indices (ascending) of the items weights are fit on. */
  fit: number[];
  /** Indices (ascending) of the items the weights score; equal to `fit` without a held-out split. */
  score: number[];
  /** Whether the weights score the same items they were fit on. */
  sameItems: boolean;
  seed: number | null;
}

/**
 * Items split by a seeded shuffle: the first `fitShare` of them (rounded down, at least one when
 * n > 1) to fit, the rest to score. The same seed and n give the same split everywhere.
 */
export function splitItems(n: number, fitShare: number, seed = 1): ItemSplit {
  const order = Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const k = n > 1 ? Math.min(n - 1, Math.max(1, Math.floor(n * fitShare))) : n;
  const asc = (a: number, b: number) => a - b;
  return {
    fit: order.slice(0, k).sort(asc),
    score: order.slice(k).sort(asc),
    sameItems: false,
    seed,
  };
}

/** Weights learned from labels, with what they were fit on. */
export interface FittedWeights {
  /** The rule: per-member log-odds of accuracy, add-one smoothed, a member at or below chance 0. */
  method: 'log-odds';
  /** One per member; every weight 1 when no member beats chance (`fallback`). */
  weights: number[];
  /** Per member: labelled training items with a read verdict, and of those the right ones. */
  fitOn: { read: number; right: number }[];
  split: ItemSplit;
  /** No member was better than chance on the training items: plain majority (all weights 1). */
  fallback: boolean;
}

export interface FitOptions {
  /**
   * Share of items to fit on, the rest held out to score; omit to fit on every item (the weights
   * then score the items they were fit on: `split.sameItems`).
   */
  heldOut?: { fitShare: number; seed?: number };
}

/**
 * Weights for the `'weighted'` rule from labelled items: member m's weight is
 * log(p / (1 − p)) with p = (right + 1) / (read + 2), its accuracy on the training items with
 * add-one smoothing (so it is never infinite), and 0 when p ≤ ½. For independent judges choosing
 * between two answers this is the weighting that makes the most accurate vote (Nitzan & Paroush
 * 1982). A flip counts as wrong, a failure or a missing judgment is not counted.
 * `members[m][i]` is member m's result on item i; `labels[i]` item i's label.
 */
export function fitWeights(
  members: readonly (readonly (PairResultValue | null)[])[],
  labels: readonly (Verdict | null)[],
  opts: FitOptions = {},
): FittedWeights {
  const n = labels.length;
  const split: ItemSplit = opts.heldOut
    ? splitItems(n, opts.heldOut.fitShare, opts.heldOut.seed ?? 1)
    : (() => {
        const all = Array.from({ length: n }, (_, i) => i);
        return { fit: all, score: all, sameItems: true, seed: null };
      })();
  const fitOn = members.map((results) => {
    let read = 0;
    let right = 0;
    for (const i of split.fit) {
      const label = labels[i] ?? null;
      const v = results[i] ?? null;
      if (label === null || v === null || v === 'failed' || typeof v === 'number') continue;
      read++;
      if (v === label) right++;
    }
    return { read, right };
  });
  const raw = fitOn.map(({ read, right }) => {
    const p = (right + 1) / (read + 2);
    return p <= 0.5 ? 0 : Math.log(p / (1 - p));
  });
  const fallback = raw.every((w) => w === 0);
  return {
    method: 'log-odds',
    weights: fallback ? raw.map(() => 1) : raw,
    fitOn,
    split,
    fallback,
  };
}
