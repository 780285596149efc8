import { describe, expect, it } from 'vitest';
import { parseVerdict } from '../../src/lib/judge/parse';
import { verdictGrammar, verdictTailGrammar } from '../../src/lib/judge/verdict-grammar';
import { gbnfAccepts } from '../support/gbnf-match';
import { CASES } from './verdict-grammar-cases';

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
