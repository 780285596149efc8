// Triage filters over review rows: flipped, wrong vs label, low confidence, parse trouble, tie, subset, length, text.
import type { ReviewRow } from './rows';

export interface TriageFilter {
  flipped: boolean;
  wrong: boolean;
  /** Only items whose confidence is below this (items without confidence are left out). */
  lowConfidence: number | null;
  parseFailed: boolean;
  repaired: boolean;
  tie: boolean;
  /** Only items you have not labelled yet. */
  unlabelled: boolean;
  subset: string | null;
  /** Only pairs whose longer answer is at least this many times the shorter (by characters). */
  minLengthRatio: number | null;
  /** Which answer is longer: 'A', 'B' or either. */
  longer: 'A' | 'B' | null;
  /** Case-insensitive text in the prompt or either answer. */
  text: string;
}

export const NO_FILTER: TriageFilter = {
  flipped: false,
  wrong: false,
  lowConfidence: null,
  parseFailed: false,
  repaired: false,
  tie: false,
  unlabelled: false,
  subset: null,
  minLengthRatio: null,
  longer: null,
  text: '',
};

/** Whether the row was judged against a label and the final verdict missed it. */
export function isWrong(r: ReviewRow): boolean {
  return r.label !== null && r.verdict !== r.label;
}

/**
 * The rows the filter keeps, in their order. Every condition that is set must hold. The text
 * condition searches `texts` (item id → lowercased prompt and answers) when given, else only the
 * digest's prompt snippet.
 */
export function filterRows(
  rows: readonly ReviewRow[],
  f: TriageFilter,
  texts?: ReadonlyMap<string, string> | null,
): ReviewRow[] {
  const text = f.text.trim().toLowerCase();
  return rows.filter((r) => {
    if (f.flipped && r.consistency !== 'flipped') return false;
    if (f.wrong && !isWrong(r)) return false;
    if (f.lowConfidence !== null && !(r.confidence !== null && r.confidence < f.lowConfidence))
      return false;
    if (f.parseFailed && r.parseFailed === 0) return false;
    if (f.repaired && r.parseRepaired === 0) return false;
    if (f.tie && r.verdict !== 'tie') return false;
    if (f.unlabelled && r.humanLabel !== null) return false;
    if (f.subset !== null && r.subset !== f.subset) return false;
    if (f.minLengthRatio !== null || f.longer !== null) {
      if (r.lenA === undefined || r.lenB === undefined) return false;
      const [long, short] = r.lenA >= r.lenB ? [r.lenA, r.lenB] : [r.lenB, r.lenA];
      if (f.minLengthRatio !== null && long < f.minLengthRatio * Math.max(1, short)) return false;
      if (f.longer === 'A' && !(r.lenA > r.lenB)) return false;
      if (f.longer === 'B' && !(r.lenB > r.lenA)) return false;
    }
    if (text) {
      const hay = texts ? texts.get(r.itemId) : r.item?.prompt.toLowerCase();
      if (hay === undefined || !hay.includes(text)) return false;
    }
    return true;
  });
}

/** How many rows each quick filter would keep on its own (the counts shown on the filter chips). */
export function filterCounts(rows: readonly ReviewRow[]) {
  let flipped = 0;
  let wrong = 0;
  let parseFailed = 0;
  let repaired = 0;
  let tie = 0;
  let unlabelled = 0;
  for (const r of rows) {
    if (r.consistency === 'flipped') flipped++;
    if (isWrong(r)) wrong++;
    if (r.parseFailed > 0) parseFailed++;
    if (r.parseRepaired > 0) repaired++;
    if (r.verdict === 'tie') tie++;
    if (r.humanLabel === null) unlabelled++;
  }
  return { flipped, wrong, parseFailed, repaired, tie, unlabelled };
}
