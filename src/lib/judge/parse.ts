// Verdict parsing: thinking hidden, echoed instructions ignored, last well-formed verdict taken.
import type { ParseResult } from './types';
import { FORMATS, SCORE_FORMATS, type Reading, type VerdictFormat } from './parse-formats';
import {
  findJsonObjects,
  jsonValueSpan,
  maskRange,
  maskThinking,
  normalizeVerdictValue,
} from './parse-text';

export type { VerdictFormat } from './parse-formats';

export interface ParseOptions {
  /** Scores outside this inclusive range are not verdicts. */
  scoreRange?: [number, number];
}

interface Candidate extends Reading {
  start: number;
  end: number;
  tier: 0 | 1 | 2;
  note: string;
}

const VERDICT_KEYS = ['verdict', 'winner', 'decision', 'preference', 'result', 'answer'];
const SCORE_KEYS = ['score', 'rating', 'result'];

/**
 * An echo of the instructions: the marker is one option in a list ("[[A]]" if …, "[[B]]" …),
 * or is introduced as an example of the format. Such markers are never verdicts.
 */
function isCuedEcho(visible: string, c: Candidate, all: Candidate[]): boolean {
  const after = visible.slice(c.end, c.end + 40);
  if (/^\s*["'”`]?\s*(?:if|when|means|to indicate|indicates)\b/i.test(after)) return true;
  // "[[C]]" for a tie" is the instruction; an unquoted "[[C]] for a tie." is a verdict explained.
  const quoted = /["'“`]\s*$/.test(visible.slice(Math.max(0, c.start - 2), c.start));
  if (quoted && /^\s*["'”`]\s*for (?:a )?tie\b/i.test(after)) return true;
  // An options list written out: "Response 1 / Response 2 / Tie" (but not "7/10").
  if (/^\s*["'”`]?\s*\/\s*[^\s\d]/.test(after)) return true;
  const before = visible.slice(Math.max(0, c.start - 80), c.start);
  if (/(?:format|e\.g\.|such as|either|like this)\s*:?\s*["'“`]?\s*$/i.test(before)) return true;
  if (/(?:example|for instance)[^\n]{0,60}$/i.test(before)) return true;
  // A list of options: another marker a few characters away, joined by "or", "/", ",".
  const joiner = /^\s*["'”`]?\s*(?:,|\/|or|and|\|)\s*["'“`]?\s*$/i;
  return all.some(
    (o) =>
      o !== c &&
      ((o.start >= c.end && joiner.test(visible.slice(c.end, o.start))) ||
        (o.end <= c.start && joiner.test(visible.slice(o.end, c.start)))),
  );
}

/** Drop echoes: cued ones, then menus (three or more different verdicts close together). */
function withoutEchoes(visible: string, found: Candidate[]): Candidate[] {
  const cued = new Set(found.filter((c) => c.tier !== 1 && isCuedEcho(visible, c, found)));
  const rest = found.filter((c) => !cued.has(c));
  const menu = new Set(
    rest.filter((c) => {
      if (c.tier === 1) return false;
      const near = rest.filter((o) => Math.abs(o.start - c.start) < 150 && !same(o, c));
      return new Set(near.map(describe)).size >= 2;
    }),
  );
  return rest.filter((c) => !menu.has(c));
}

/** A looser pattern reading inside a longer marker (the [[A]] in <answer>[[A]]</answer>). */
function dropNested(found: Candidate[]): Candidate[] {
  return found.filter(
    (c) =>
      !found.some(
        (o) => o !== c && o.start <= c.start && o.end >= c.end && o.end - o.start > c.end - c.start,
      ),
  );
}

function same(a: Reading, b: Reading): boolean {
  return a.verdict === b.verdict && a.score === b.score && (a.strength ?? 0) === (b.strength ?? 0);
}

function describe(r: Reading): string {
  if (r.score !== undefined) return String(r.score);
  return `${r.verdict ?? '?'}${r.strength === 2 ? ' (strong)' : ''}`;
}

function jsonCandidates(text: string, visible: string, scoreFormat: boolean): Candidate[] {
  const out: Candidate[] = [];
  for (const hit of findJsonObjects(visible)) {
    const keys = scoreFormat ? SCORE_KEYS : VERDICT_KEYS;
    for (const key of keys) {
      const raw = hit.value[key];
      if (raw === undefined) continue;
      let reading: Reading | null = null;
      if (scoreFormat) {
        const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
        if (Number.isFinite(n)) reading = { verdict: null, score: n };
      } else if (typeof raw === 'string') {
        reading = normalizeVerdictValue(raw);
      }
      if (!reading) continue;
      const [start, end] = jsonValueSpan(text, hit, key);
      out.push({ ...reading, start, end, tier: 1, note: 'JSON' });
      break;
    }
  }
  return out;
}

function failed(reason: string): ParseResult {
  return { status: 'failed', verdict: null, span: null, reason };
}

/**
 * Read the verdict of `text` in the given format. A failure is never a tie.
 *
 * Rules, in order: thinking is hidden; a JSON object with a verdict key wins over prose (the
 * prose inside it is not searched); exact forms win over tolerated variants; echoed instructions
 * are skipped; among the rest the LAST is taken, except that an answer opening with a bare
 * verdict line has committed to it (verdict-first answers restate or, degenerate, contradict it
 * later: LLMBar's Falcon output jo-00193 states both). Conflicts are reported as 'repaired'.
 */
export function parseVerdict(
  text: string,
  format: VerdictFormat,
  opts: ParseOptions = {},
): ParseResult {
  if (text.trim() === '') return failed('empty output');
  if (/^\s*\$ERROR\$\s*$/.test(text)) return failed('the engine returned an error instead of text');
  const { visible: afterThinking, truncatedInThinking } = maskThinking(text);
  if (afterThinking.trim() === '') {
    return failed(
      truncatedInThinking ? 'stopped while still thinking' : 'only thinking, no verdict',
    );
  }
  const scoreFormat = SCORE_FORMATS.has(format);
  const json = jsonCandidates(text, afterThinking, scoreFormat);
  let visible = afterThinking;
  if (json.length > 0) {
    for (const hit of findJsonObjects(afterThinking))
      visible = maskRange(visible, hit.start, hit.end);
  }

  const found: Candidate[] = [...json];
  let outOfRange: number | null = null;
  for (const pattern of FORMATS[format]) {
    pattern.re.lastIndex = 0;
    for (const m of visible.matchAll(pattern.re)) {
      const reading = pattern.read(m);
      if (!reading) continue;
      if (reading.score !== undefined && opts.scoreRange) {
        const [lo, hi] = opts.scoreRange;
        if (reading.score < lo || reading.score > hi) {
          outOfRange = reading.score;
          continue;
        }
      }
      found.push({
        ...reading,
        start: m.index,
        end: m.index + m[0].length,
        tier: pattern.tier,
        note: pattern.note,
      });
    }
  }
  const real = withoutEchoes(visible, dropNested(found));
  if (real.length === 0) {
    if (outOfRange !== null) return failed(`score ${outOfRange} is outside the scale`);
    if (found.length > 0) return failed('only the echoed instructions name a verdict');
    if (truncatedInThinking) return failed('stopped while still thinking');
    return failed('no verdict in the expected format');
  }
  const bestTier = Math.min(...real.map((c) => c.tier));
  // The same marker can match several variant patterns: keep one candidate per position.
  const tierCands = real
    .filter((c) => c.tier === bestTier)
    .sort((a, b) => a.start - b.start || b.end - a.end)
    .filter((c, i, arr) => i === 0 || c.start >= (arr[i - 1]?.end ?? 0));
  const first = tierCands[0];
  const last = tierCands[tierCands.length - 1];
  if (!first || !last) return failed('no verdict in the expected format');

  const newline = visible.indexOf('\n', first.end);
  const firstLine = visible.slice(0, newline < 0 ? visible.length : newline);
  const leading =
    visible.slice(0, first.start).trim() === '' &&
    firstLine.trim().length <= first.end - first.start + 25;
  const conflicting = tierCands.some((c) => !same(c, last));
  const chosen = conflicting && leading ? first : last;

  const reasons: string[] = [];
  if (chosen.tier === 2) reasons.push(`tolerated variant: ${chosen.note}`);
  if (conflicting) {
    const all = [...new Set(tierCands.map(describe))].join(', ');
    reasons.push(
      chosen === first
        ? `conflicting verdicts (${all}); the opening verdict line was used`
        : `conflicting verdicts (${all}); the last was used`,
    );
  }
  const result: ParseResult = {
    status: reasons.length > 0 ? 'repaired' : 'ok',
    verdict: chosen.verdict,
    span: [chosen.start, chosen.end],
  };
  if (chosen.strength !== undefined) result.strength = chosen.strength;
  if (chosen.score !== undefined) result.score = chosen.score;
  if (reasons.length > 0) result.reason = reasons.join('; ');
  return result;
}

/** Map a verdict read in the shown order back to the item's original positions. */
export function mapVerdict<T extends ParseResult['verdict']>(verdict: T, order: 'AB' | 'BA'): T {
  if (order === 'AB' || verdict === null || verdict === 'tie') return verdict;
  return (verdict === 'A' ? 'B' : 'A') as T;
}
