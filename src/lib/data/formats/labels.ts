// Gold-label normalisation: every common spelling of "A wins", "B wins" and "tie"; anything else is reported.

/** A normalised label, no label at all, or why the value is not a label. */
export type LabelResult =
  | { ok: true; label: 'A' | 'B' | 'tie' }
  | { ok: false; reason: string }
  | { ok: true; label: undefined };

const A = new Set([
  'a',
  '1',
  'model_a',
  'model a',
  'modela',
  'response_a',
  'response a',
  'response 1',
  'response_1',
  'response1',
  'output_1',
  'output 1',
  'output (a)',
  'output a',
  'output_a',
  'assistant a',
  'assistant_a',
  'answer a',
  'answer 1',
  '[[a]]',
  'a>b',
  'a>>b',
  'first',
  'left',
]);
const B = new Set([
  'b',
  '2',
  'model_b',
  'model b',
  'modelb',
  'response_b',
  'response b',
  'response 2',
  'response_2',
  'response2',
  'output_2',
  'output 2',
  'output (b)',
  'output b',
  'output_b',
  'assistant b',
  'assistant_b',
  'answer b',
  'answer 2',
  '[[b]]',
  'b>a',
  'b>>a',
  'second',
  'right',
]);
const TIE = new Set([
  'tie',
  'draw',
  'equal',
  '1.5',
  'c',
  '[[c]]',
  'a=b',
  'tie (bothbad)',
  'tie(bothbad)',
  'tie (both bad)',
  'tie_bothbad',
  'both bad',
  'both_bad',
  'bothbad',
  'both good',
  'both_good',
  'same',
]);

/**
 * Normalises a gold label. Empty values (undefined, null, '') mean "no label". Numbers 1, 2 and
 * 1.5 are AlpacaEval's preference. Anything unrecognised is an error, never a guess.
 */
export function normalizeLabel(raw: unknown): LabelResult {
  if (raw === undefined || raw === null) return { ok: true, label: undefined };
  if (typeof raw === 'number') {
    if (raw === 1) return { ok: true, label: 'A' };
    if (raw === 2) return { ok: true, label: 'B' };
    if (raw === 1.5) return { ok: true, label: 'tie' };
    return {
      ok: false,
      reason: `unknown label ${String(raw)} (expected A, B or tie; 1, 2 or 1.5)`,
    };
  }
  if (typeof raw !== 'string') {
    return { ok: false, reason: `label must be text or a number, got ${typeName(raw)}` };
  }
  const s = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  if (s === '') return { ok: true, label: undefined };
  if (A.has(s)) return { ok: true, label: 'A' };
  if (B.has(s)) return { ok: true, label: 'B' };
  if (TIE.has(s)) return { ok: true, label: 'tie' };
  // "1.0" / "2.0" from spreadsheets.
  const n = Number(s);
  if (s !== '' && Number.isFinite(n) && (n === 1 || n === 2 || n === 1.5)) return normalizeLabel(n);
  return { ok: false, reason: `unknown label "${clip(raw, 40)}" (expected A, B or tie)` };
}

/** A readable type name for error messages. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

/** The first `n` characters of `s`, with an ellipsis when cut. */
export function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
