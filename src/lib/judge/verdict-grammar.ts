// GBNF grammars for each protocol's own verdict format: free reasoning, then the exact verdict the parser reads first.
import type { VerdictFormat } from './parse-formats';

/** What a verdict grammar depends on besides the format. */
export interface VerdictGrammarShape {
  allowTie: boolean;
  /** Score formats: the inclusive range (integers only: every protocol asks for whole scores). */
  scoreRange?: [number, number];
}

/**
 * The reasoning before the verdict. `any` leaves it free, so the model may also end only after
 * a later verdict (the parser takes the last one). The other forms keep the character that
 * opens the verdict out of the reasoning, so that once the model writes it, the verdict and then
 * the end of the output are the only way on: `[` for the bracket formats, `<a`/`<s` for J1
 * (whose reasoning keeps its `<think>` tags).
 *
 * The reasoning is printable ASCII and line breaks. A grammar cannot tell a whole character from
 * a byte-fallback token that spells part of one, and wllama 3.13.0 fails a generation whose
 * token is part of a UTF-8 character ("Invalid typed array length", see toWllamaRequest in
 * engine/wllama-host.ts); with random weights that came within 24 tokens.
 */
type Free = 'any' | 'no-bracket' | 'no-answer-tag' | 'no-score-tag';

const WS = '\\x09\\x0A\\x0D';
const FREE: Record<Free, string> = {
  any: `free ::= [${WS}\\x20-\\x7E]*`,
  // Everything but `[` (0x5B).
  'no-bracket': `free ::= [${WS}\\x20-\\x5A\\x5C-\\x7E]*`,
  // `<` (0x3C) only when not followed by `a` (0x61).
  'no-answer-tag': `free ::= ([${WS}\\x20-\\x3B\\x3D-\\x7E] | "<" [${WS}\\x20-\\x60\\x62-\\x7E])*`,
  // `<` only when not followed by `s` (0x73).
  'no-score-tag': `free ::= ([${WS}\\x20-\\x3B\\x3D-\\x7E] | "<" [${WS}\\x20-\\x72\\x74-\\x7E])*`,
};

/** A GBNF string literal. */
function lit(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function alt(values: string[]): string {
  return `(${values.map(lit).join(' | ')})`;
}

/** Whole scores in the range, longest first, e.g. ("10" | "9" | … | "1"). */
function scores(shape: VerdictGrammarShape, fallback: [number, number]): string {
  const [lo, hi] = shape.scoreRange ?? fallback;
  const out: string[] = [];
  for (let s = hi; s >= lo; s--) out.push(String(s));
  return alt(out);
}

function letters(shape: VerdictGrammarShape): string {
  return alt(shape.allowTie ? ['A', 'B', 'C'] : ['A', 'B']);
}

interface FormatGrammar {
  free: Free | null;
  /** The verdict as the template asks for it (tier 0 of parse-formats.ts), as a GBNF expression. */
  tail: (shape: VerdictGrammarShape) => string;
}

const GRAMMARS: Record<VerdictFormat, FormatGrammar> = {
  'mt-bench-pair': { free: 'no-bracket', tail: (s) => `"[[" ${letters(s)} "]]"` },
  'j1-pair': {
    free: 'no-answer-tag',
    tail: (s) => `"<answer>[[" ${letters(s)} "]]</answer>"`,
  },
  'j1-score': {
    free: 'no-score-tag',
    tail: (s) => `"<score>" ${scores(s, [1, 10])} "</score>"`,
  },
  rating: { free: 'no-bracket', tail: (s) => `"Rating: [[" ${scores(s, [1, 10])} "]]"` },
  // Factored, not ("A>>B" | "A>B" | …): XGrammar 0.1.27 (web-llm 0.2.86) accepts "A>>>B" and
  // "A>>>>B" under ("A>>B" | "A>B"), while "A" (">>" | ">") "B" holds (verdict-grammar-xgrammar.test.ts).
  'arena-hard': {
    free: 'no-bracket',
    tail: (s) =>
      `"[[" ("A" (">>" | ">") "B"${s.allowTie ? ' | "A=B"' : ''} | "B" (">>" | ">") "A") "]]"`,
  },
  'auto-j-pair': {
    free: 'any',
    tail: (s) =>
      `"the final decision is " ${alt(s.allowTie ? ['Response 1', 'Response 2', 'Tie'] : ['Response 1', 'Response 2'])}`,
  },
  'prometheus-absolute': { free: 'no-bracket', tail: (s) => `"[RESULT] " ${scores(s, [1, 5])}` },
  'prometheus-relative': { free: 'no-bracket', tail: () => `"[RESULT] " ${alt(['A', 'B'])}` },
  'additive-score': { free: 'any', tail: (s) => `"Score: " ${scores(s, [0, 5])}` },
  'meta-winner': { free: 'any', tail: () => `"Winner: Judgement " ${alt(['A', 'B'])}` },
  letter: { free: null, tail: letters },
  llmbar: { free: 'any', tail: () => `"Output (" ${alt(['a', 'b'])} ")"` },
};

/**
 * The GBNF grammar under which a whole output of this format parses with status ok: free
 * reasoning, then the verdict exactly as the template asks for it, then the end. llama.cpp,
 * web-llm (`response_format: {type: 'grammar'}`) and OpenAI-compatible servers with guided
 * decoding take it. A grammar applies from the first token, so a thinking model needs its
 * thinking off (buildRequest does that) unless the free part allows the think block.
 */
export function verdictGrammar(format: VerdictFormat, shape: VerdictGrammarShape): string {
  const g = GRAMMARS[format];
  const tail = `tail ::= ${g.tail(shape)}`;
  if (g.free === null) return `root ::= tail\n${tail}`;
  return [`root ::= free tail`, tail, FREE[g.free]].join('\n');
}

/**
 * The verdict alone, for the short continuation that finishes an output the token budget cut
 * off before its verdict. One leading space or newline is allowed: a model often starts a line first.
 */
export function verdictTailGrammar(format: VerdictFormat, shape: VerdictGrammarShape): string {
  return `root ::= [ \\n]? tail\ntail ::= ${GRAMMARS[format].tail(shape)}`;
}
