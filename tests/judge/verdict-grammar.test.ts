import { describe, expect, it } from 'vitest';
import { parseVerdict } from '../../src/lib/judge/parse';
import type { VerdictFormat } from '../../src/lib/judge/parse-formats';
import {
  verdictGrammar,
  verdictTailGrammar,
  type VerdictGrammarShape,
} from '../../src/lib/judge/verdict-grammar';
import { gbnfAccepts } from '../support/gbnf-match';

interface Case {
  format: VerdictFormat;
  shape: VerdictGrammarShape;
  /** Every verdict the protocol allows, as the template asks for it. */
  valid: string[];
  /** Verdicts the grammar must refuse (wrong form, out of range, tie when ties are off). */
  invalid: string[];
  /** Reasoning the protocol's models write before the verdict. */
  reasoning: string;
}

const range = (lo: number, hi: number) =>
  Array.from({ length: hi - lo + 1 }, (_, k) => String(lo + k));

const CASES: Case[] = [
  {
    format: 'mt-bench-pair',
    shape: { allowTie: true },
    valid: ['[[A]]', '[[B]]', '[[C]]'],
    invalid: ['[[D]]', '[A]', '[[a]]', 'A'],
    reasoning: 'Assistant A is correct, while B makes an error.\n\n',
  },
  {
    format: 'mt-bench-pair',
    shape: { allowTie: false },
    valid: ['[[A]]', '[[B]]'],
    invalid: ['[[C]]'],
    reasoning: 'A is better. ',
  },
  {
    format: 'j1-pair',
    shape: { allowTie: true },
    valid: ['<answer>[[A]]</answer>', '<answer>[[B]]</answer>', '<answer>[[C]]</answer>'],
    invalid: ['[[A]]', '<answer>A</answer>', '<answer>[[A]]', '<answer>[[D]]</answer>'],
    reasoning: '<think>Answer A gives 100 C; B is wrong [see above].</think>\n',
  },
  {
    format: 'j1-score',
    shape: { allowTie: false, scoreRange: [1, 10] },
    valid: range(1, 10).map((n) => `<score>${n}</score>`),
    invalid: ['<score>0</score>', '<score>11</score>', '<score>7.5</score>', 'Score: 7'],
    reasoning: '<think>The answer is right but terse.</think> ',
  },
  {
    format: 'rating',
    shape: { allowTie: false, scoreRange: [1, 10] },
    valid: range(1, 10).map((n) => `Rating: [[${n}]]`),
    invalid: ['Rating: [[0]]', 'Rating: [[11]]', '[[5]]', 'Rating: 5'],
    reasoning: 'The answer is helpful and accurate.\n\n',
  },
  {
    format: 'arena-hard',
    shape: { allowTie: true },
    valid: ['[[A>>B]]', '[[A>B]]', '[[A=B]]', '[[B>A]]', '[[B>>A]]'],
    invalid: ['[[A>>>B]]', '[[A]]', '[A>B]', '[[a>b]]'],
    reasoning: 'My own answer: 4.\n\nAssistant A matches it. My final verdict is ',
  },
  {
    format: 'arena-hard',
    shape: { allowTie: false },
    valid: ['[[A>>B]]', '[[A>B]]', '[[B>A]]', '[[B>>A]]'],
    invalid: ['[[A=B]]'],
    reasoning: 'Verdict: ',
  },
  {
    format: 'auto-j-pair',
    shape: { allowTie: true },
    valid: [
      'the final decision is Response 1',
      'the final decision is Response 2',
      'the final decision is Tie',
    ],
    invalid: ['the final decision is Response 3', 'the final decision is response 1', 'Tie'],
    reasoning: '1. Key factors: accuracy.\n2. Response 1 is accurate [1]. So, ',
  },
  {
    format: 'auto-j-pair',
    shape: { allowTie: false },
    valid: ['the final decision is Response 1', 'the final decision is Response 2'],
    invalid: ['the final decision is Tie'],
    reasoning: 'So, ',
  },
  {
    format: 'prometheus-absolute',
    shape: { allowTie: false, scoreRange: [1, 5] },
    valid: range(1, 5).map((n) => `[RESULT] ${n}`),
    invalid: ['[RESULT] 0', '[RESULT] 6', 'RESULT 3', '[RESULT]3'],
    reasoning: 'Feedback: the answer meets most criteria. ',
  },
  {
    format: 'prometheus-relative',
    shape: { allowTie: false },
    valid: ['[RESULT] A', '[RESULT] B'],
    invalid: ['[RESULT] C', '[RESULT] (A)'],
    reasoning: 'Feedback: A follows the rubric more closely. ',
  },
  {
    format: 'additive-score',
    shape: { allowTie: false, scoreRange: [0, 5] },
    valid: range(0, 5).map((n) => `Score: ${n}`),
    invalid: ['Score: 6', 'score: 3', 'Score:3'],
    reasoning: 'The answer is relevant (+1) and addresses most of it (+1) [x].\n',
  },
  {
    format: 'meta-winner',
    shape: { allowTie: false },
    valid: ['Winner: Judgement A', 'Winner: Judgement B'],
    invalid: ['Winner: Judgement C', 'Winner: A', 'Winner: Judgment A'],
    reasoning: 'Judgement A applies the rubric correctly.\n',
  },
  {
    format: 'llmbar',
    shape: { allowTie: false },
    valid: ['Output (a)', 'Output (b)'],
    invalid: ['Output (c)', 'Output a'],
    reasoning: '',
  },
];

describe('verdictGrammar', () => {
  for (const c of CASES) {
    const grammar = verdictGrammar(c.format, c.shape);
    const opts = c.shape.scoreRange ? { scoreRange: c.shape.scoreRange } : {};
    const label = `${c.format}${c.shape.allowTie ? '' : ' (no tie)'}`;

    it(`${label}: accepts every valid verdict after reasoning, and each parses as written`, () => {
      for (const v of c.valid) {
        const text = c.reasoning + v;
        expect(gbnfAccepts(grammar, text), text).toBe(true);
        const parsed = parseVerdict(text, c.format, opts);
        expect(parsed.status, text).toBe('ok');
      }
    });

    it(`${label}: refuses every invalid verdict, and an output without one`, () => {
      for (const v of c.invalid) expect(gbnfAccepts(grammar, c.reasoning + v), v).toBe(false);
      expect(gbnfAccepts(grammar, c.reasoning)).toBe(false);
      expect(gbnfAccepts(grammar, `${c.reasoning}${c.valid[0]} and more`)).toBe(false);
    });

    it(`${label}: the tail grammar takes the verdict alone`, () => {
      const tail = verdictTailGrammar(c.format, c.shape);
      for (const v of c.valid) expect(gbnfAccepts(tail, `\n${v}`), v).toBe(true);
      for (const v of c.invalid) expect(gbnfAccepts(tail, v), v).toBe(false);
      expect(gbnfAccepts(tail, `${c.reasoning}x ${c.valid[0]}`)).toBe(false);
    });
  }

  it('letter: the verdict alone, no reasoning', () => {
    const g = verdictGrammar('letter', { allowTie: true });
    expect(['A', 'B', 'C'].map((v) => gbnfAccepts(g, v))).toEqual([true, true, true]);
    expect(gbnfAccepts(g, 'D')).toBe(false);
    expect(gbnfAccepts(g, 'I think A')).toBe(false);
    expect(gbnfAccepts(verdictGrammar('letter', { allowTie: false }), 'C')).toBe(false);
  });

  it('keeps the reasoning to printable ASCII and line breaks (wllama fails on part of a UTF-8 character)', () => {
    for (const format of ['mt-bench-pair', 'j1-pair', 'j1-score', 'auto-j-pair'] as const) {
      const g = verdictGrammar(format, { allowTie: true, scoreRange: [1, 10] });
      const tail = CASES.find((c) => c.format === format)?.valid[0] ?? '';
      expect(gbnfAccepts(g, `Fine\tand\r\ngood. ${tail}`)).toBe(true);
      expect(gbnfAccepts(g, `100 °C. ${tail}`)).toBe(false);
    }
  });

  it('keeps the opening of a bracket verdict out of the reasoning, so the verdict ends the output', () => {
    const g = verdictGrammar('mt-bench-pair', { allowTie: true });
    expect(gbnfAccepts(g, 'See [1]. [[A]]')).toBe(false);
    const j1 = verdictGrammar('j1-pair', { allowTie: true });
    expect(gbnfAccepts(j1, '<answer>[[A]]</answer> <answer>[[B]]</answer>')).toBe(false);
  });
});
