// The verdict grammars under XGrammar, the grammar engine web-llm 0.2.86 runs (its package pins
// @mlc-ai/web-xgrammar 0.1.27, the devDependency here): each parses in XGrammar's GBNF dialect and
// accepts and refuses what llama.cpp's does (verdict-grammar.test.ts checks the same cases with our
// own small GBNF matcher).
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { verdictGrammar, verdictTailGrammar } from '../../src/lib/judge/verdict-grammar';
import { templates } from '../../src/lib/judge';
import { CASES } from './verdict-grammar-cases';

interface XGrammar {
  Grammar: { fromEBNF(ebnf: string, root?: string): Promise<unknown> };
  Testings: { isGrammarAcceptString(grammar: unknown, input: string): Promise<boolean> };
}

let xgr: XGrammar;

beforeAll(async () => {
  // The package is an Emscripten UMD bundle: in Node's ESM scope it asks for `require` and
  // `__filename` to find itself, and registers as globalThis.xgrammar.
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@mlc-ai/web-xgrammar');
  const g = globalThis as Record<string, unknown>;
  g.require ??= require;
  g.__filename ??= entry;
  await import('@mlc-ai/web-xgrammar');
  xgr = g.xgrammar as XGrammar;
}, 60_000);

async function accepts(grammar: string, text: string): Promise<boolean> {
  return xgr.Testings.isGrammarAcceptString(await xgr.Grammar.fromEBNF(grammar), text);
}

describe('verdict grammars in XGrammar (web-llm)', () => {
  it('refuses a grammar it cannot parse (the check is real)', async () => {
    await expect(xgr.Grammar.fromEBNF('root ::= "A" |')).rejects.toBeTruthy();
    expect(await accepts('root ::= "A" | "B"', 'C')).toBe(false);
  });

  for (const c of CASES) {
    const label = `${c.format}${c.shape.allowTie ? '' : ' (no tie)'}`;
    it(`${label}: the whole grammar takes reasoning and each valid verdict, no invalid one`, async () => {
      const g = verdictGrammar(c.format, c.shape);
      for (const v of c.valid) expect(await accepts(g, c.reasoning + v), v).toBe(true);
      for (const v of c.invalid) expect(await accepts(g, c.reasoning + v), v).toBe(false);
      expect(await accepts(g, c.reasoning)).toBe(false);
      expect(await accepts(g, `${c.reasoning}${c.valid[0]} and more`)).toBe(false);
    });

    it(`${label}: the tail grammar takes the verdict alone`, async () => {
      const tail = verdictTailGrammar(c.format, c.shape);
      for (const v of c.valid) expect(await accepts(tail, `\n${v}`), v).toBe(true);
      for (const v of c.invalid) expect(await accepts(tail, v), v).toBe(false);
    });
  }

  it('keeps the reasoning ASCII and the verdict opener out of it, as llama.cpp does', async () => {
    const g = verdictGrammar('mt-bench-pair', { allowTie: true });
    expect(await accepts(g, 'Fine\tand\r\ngood. [[A]]')).toBe(true);
    expect(await accepts(g, '100 °C. [[A]]')).toBe(false);
    expect(await accepts(g, 'See [1]. [[A]]')).toBe(false);
    const j1 = verdictGrammar('j1-pair', { allowTie: true });
    expect(await accepts(j1, '<think>x</think><answer>[[B]]</answer>')).toBe(true);
    expect(await accepts(j1, '<answer>[[A]]</answer> <answer>[[B]]</answer>')).toBe(false);
  });

  it('every template that has a verdict grammar gives one XGrammar parses', async () => {
    let n = 0;
    for (const t of templates) {
      for (const allowTie of [true, false]) {
        const full = t.verdictGrammar?.({ order: 'AB', thinkingModel: false, allowTie });
        const tail = t.verdictTailGrammar?.(allowTie);
        for (const g of [full, tail]) {
          if (!g) continue;
          await expect(xgr.Grammar.fromEBNF(g), `${t.id}: ${g}`).resolves.toBeTruthy();
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(10);
  });
});
