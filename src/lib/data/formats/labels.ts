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

/** A number from a number or a numeric string ("1.73"); NaN otherwise. */
function numeric(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && raw.trim() !== '') return Number(raw.trim());
  return NaN;
}

/**
 * An AlpacaEval `preference`, read as alpaca_eval's scoring rules read it: 1 = output_1 better,
 * 2 = output_2 better, anything between is a soft preference whose side is the nearer end, and
 * 0 or 1.5 are a draw (0 is alpaca_eval's older spelling of a draw). Outside [1, 2] is an error.
 */
export function alpacaEvalPreference(raw: unknown): LabelResult {
  if (raw === undefined || raw === null || raw === '') return { ok: true, label: undefined };
  const p = numeric(raw);
  if (Number.isNaN(p)) return normalizeLabel(raw);
  if (p === 0 || p === 1.5) return { ok: true, label: 'tie' };
  if (p >= 1 && p < 1.5) return { ok: true, label: 'A' };
  if (p > 1.5 && p <= 2) return { ok: true, label: 'B' };
  return {
    ok: false,
    reason: `preference ${String(raw)} is outside AlpacaEval's range (1 to 2, or 0 for a draw)`,
  };
}

/** Auto-J's pairwise `label`: 0 = response 1 better, 1 = response 2 better, 2 = tie. */
export function autoJLabel(raw: unknown): LabelResult {
  if (raw === undefined || raw === null || raw === '') return { ok: true, label: undefined };
  const n = numeric(raw);
  if (n === 0) return { ok: true, label: 'A' };
  if (n === 1) return { ok: true, label: 'B' };
  if (n === 2) return { ok: true, label: 'tie' };
  return {
    ok: false,
    reason: `unknown Auto-J label ${shown(raw)} (expected 0 = response 1, 1 = response 2, 2 = tie)`,
  };
}

/**
 * PandaLM's three annotators (0 = tie, 1 = response1, 2 = response2): the label is the majority.
 * No majority (three different votes) is no label rather than a guess; a vote that is not 0, 1
 * or 2 is an error.
 */
export function pandaLMLabel(votes: readonly unknown[]): LabelResult {
  const counts = new Map<'A' | 'B' | 'tie', number>();
  let n = 0;
  for (const raw of votes) {
    if (raw === undefined || raw === null || raw === '') continue;
    const v = numeric(raw);
    const label = v === 0 ? 'tie' : v === 1 ? 'A' : v === 2 ? 'B' : undefined;
    if (!label)
      return {
        ok: false,
        reason: `unknown PandaLM annotator vote ${shown(raw)} (expected 0 = tie, 1 = response1, 2 = response2)`,
      };
    counts.set(label, (counts.get(label) ?? 0) + 1);
    n++;
  }
  for (const [label, c] of counts) if (c * 2 > n) return { ok: true, label };
  return { ok: true, label: undefined };
}

/** A value as an error message quotes it. */
function shown(raw: unknown): string {
  if (typeof raw === 'string') return `"${clip(raw, 40)}"`;
  if (typeof raw === 'number') return String(raw);
  return typeName(raw);
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
