// Confidence from token logprobs at the verdict: P(A), P(B), P(tie), and probability-weighted scores.
import type { TokenLogprob } from './port';
import type { Verdict } from './types';

export interface VerdictProbabilities {
  A: number;
  B: number;
  tie: number;
  /** Probability mass the candidates held before normalising; low mass means a shaky reading. */
  mass: number;
  /** Soft preference for A in [0, 1]: P(A) + P(tie)/2. */
  preferenceA: number;
}

export interface ScoreProbabilities {
  /** Probability-weighted score (G-Eval). */
  expected: number;
  distribution: Record<number, number>;
  mass: number;
}

/** Character offsets of each token, assuming the tokens concatenate to the generated text. */
function offsets(logprobs: TokenLogprob[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const t of logprobs) {
    out.push(at);
    at += t.token.length;
  }
  return out;
}

/**
 * The token that carries the verdict: the first token inside the parsed span that reads as a
 * candidate; failing that (tokens that do not concatenate to the text), the last such token.
 */
function verdictPosition(
  logprobs: TokenLogprob[],
  span: [number, number],
  isCandidate: (token: string) => boolean,
): number {
  const starts = offsets(logprobs);
  for (let i = 0; i < logprobs.length; i++) {
    const start = starts[i] ?? 0;
    const token = logprobs[i]?.token ?? '';
    if (start + token.length > span[0] && start < span[1] && isCandidate(token)) return i;
  }
  for (let i = logprobs.length - 1; i >= 0; i--) {
    if (isCandidate(logprobs[i]?.token ?? '')) return i;
  }
  return -1;
}

/** Alternatives at a position, the generated token included even when top_logprobs omits it. */
function alternatives(entry: TokenLogprob): { token: string; p: number }[] {
  const list = entry.top_logprobs.map((t) => ({ token: t.token, p: Math.exp(t.logprob) }));
  if (!entry.top_logprobs.some((t) => t.token === entry.token)) {
    list.push({ token: entry.token, p: Math.exp(entry.logprob) });
  }
  return list;
}

/**
 * P(A), P(B), P(tie) at the verdict token, normalised over the candidates. Tokenizer variants
 * (" A" and "A") are summed, because BPE vocabularies hold both and split the mass between them.
 */
export function verdictProbabilities(
  logprobs: TokenLogprob[] | null,
  span: [number, number] | null,
  tokens: Record<string, Verdict>,
): VerdictProbabilities | null {
  if (!logprobs || !span || logprobs.length === 0) return null;
  const table = new Map(Object.entries(tokens).map(([k, v]) => [k.trim(), v]));
  const read = (token: string) => table.get(token.trim());
  const i = verdictPosition(logprobs, span, (t) => read(t) !== undefined);
  const entry = logprobs[i];
  if (!entry) return null;
  const sums: Record<Verdict, number> = { A: 0, B: 0, tie: 0 };
  for (const { token, p } of alternatives(entry)) {
    const v = read(token);
    if (v) sums[v] += p;
  }
  const mass = sums.A + sums.B + sums.tie;
  if (mass <= 0) return null;
  const A = sums.A / mass;
  const B = sums.B / mass;
  const tie = sums.tie / mass;
  return { A, B, tie, mass, preferenceA: A + tie / 2 };
}

/** Swap A and B, for probabilities read in the BA order. */
export function mapProbabilities(
  p: VerdictProbabilities,
  order: 'AB' | 'BA',
): VerdictProbabilities {
  if (order === 'AB') return p;
  return { A: p.B, B: p.A, tie: p.tie, mass: p.mass, preferenceA: p.B + p.tie / 2 };
}

/**
 * Probability-weighted score over the integer tokens of the scale at the score position. A score
 * the tokenizer splits ("10" as "1","0") is read at its first token, so 10 counts as 1 there;
 * scales up to 9 and the Qwen/Llama vocabularies (which hold "10") are unaffected.
 */
export function scoreProbabilities(
  logprobs: TokenLogprob[] | null,
  span: [number, number] | null,
  range: [number, number],
): ScoreProbabilities | null {
  if (!logprobs || !span || logprobs.length === 0) return null;
  const read = (token: string): number | null => {
    const s = token.trim();
    if (!/^\d+$/.test(s)) return null;
    const n = Number(s);
    return n >= range[0] && n <= range[1] ? n : null;
  };
  const i = verdictPosition(logprobs, span, (t) => read(t) !== null);
  const entry = logprobs[i];
  if (!entry) return null;
  const distribution: Record<number, number> = {};
  let mass = 0;
  for (const { token, p } of alternatives(entry)) {
    const n = read(token);
    if (n === null) continue;
    distribution[n] = (distribution[n] ?? 0) + p;
    mass += p;
  }
  if (mass <= 0) return null;
  let expected = 0;
  for (const [k, p] of Object.entries(distribution)) {
    distribution[Number(k)] = p / mass;
    expected += (Number(k) * p) / mass;
  }
  return { expected, distribution, mass };
}
