// The protocol grammar in the request, and the short constrained continuation of a cut-off judgment.
import { describe, expect, it } from 'vitest';
import type { GenerateRequest, GenerateResult } from '../../src/lib/engine/types';
import {
  buildRequest,
  CONTINUATION_MAX_TOKENS,
  continuationRequest,
  getTemplate,
  joinContinuation,
  judgeItem,
  type Template,
} from '../../src/lib/judge';
import { DeterministicEngine } from '../support/deterministic-engine';
import { gbnfAccepts } from '../support/gbnf-match';

const item = { prompt: 'Capital of France?', responseA: 'Paris.', responseB: 'Lyon.' };
const tpl = (id: string): Template => {
  const t = getTemplate(id);
  if (!t) throw new Error(id);
  return t;
};
const isContinuation = (req: GenerateRequest) =>
  req.messages.at(-1)?.role === 'user' && req.messages.some((m) => m.role === 'assistant');

const result = (text: string, finishReason: GenerateResult['finishReason']): GenerateResult => ({
  text,
  usage: {
    promptTokens: 100,
    completionTokens: 50,
    prefillTokensPerS: null,
    decodeTokensPerS: 20,
    timeToFirstTokenMs: 10,
    totalMs: 2500,
  },
  logprobs: null,
  finishReason,
});

describe('buildRequest with the protocol grammar', () => {
  const cases: [string, string][] = [
    ['mt-bench-pair', 'A is right.\n\n[[A]]'],
    ['j1-pairwise', '<think>A is right.</think>\n<answer>[[A]]</answer>'],
    ['arena-hard', 'My final verdict is: [[A>B]]'],
    ['auto-j-pairwise', 'So, the final decision is Response 1'],
    ['mt-bench-single', 'Good.\n\nRating: [[8]]'],
    ['meta-rewarding-score', 'Relevant (+1).\nScore: 4'],
  ];
  for (const [id, sample] of cases) {
    it(`${id}: keeps the protocol's prompt and sends its verdict grammar`, () => {
      const t = tpl(id);
      const req = buildRequest(
        item,
        {
          template: t,
          thinkingModel: true,
          constrained: true,
          constraint: 'grammar',
        },
        'AB',
      );
      const plain = buildRequest(item, { template: t, thinkingModel: true }, 'AB');
      expect(req.messages).toEqual(plain.messages);
      expect(req.enable_thinking).toBe(false);
      const rf = req.response_format;
      expect(rf?.type).toBe('grammar');
      if (rf?.type !== 'grammar') return;
      expect(gbnfAccepts(rf.grammar, sample)).toBe(true);
      expect(t.parse(sample).status).toBe('ok');
    });
  }

  it('without a tie, the grammar refuses one', () => {
    const req = buildRequest(
      item,
      {
        template: tpl('mt-bench-pair'),
        thinkingModel: false,
        constrained: true,
        constraint: 'grammar',
        allowTie: false,
      },
      'AB',
    );
    const rf = req.response_format;
    expect(rf?.type === 'grammar' && gbnfAccepts(rf.grammar, 'Same. [[C]]')).toBe(false);
    expect(rf?.type === 'grammar' && gbnfAccepts(rf.grammar, 'A. [[A]]')).toBe(true);
  });

  it("'json' (the default) still asks for the JSON form", () => {
    const req = buildRequest(
      item,
      { template: tpl('mt-bench-pair'), thinkingModel: false, constrained: true },
      'AB',
    );
    expect(req.response_format?.type).toBe('json_object');
  });

  it('verdict-only keeps its letter grammar', () => {
    const req = buildRequest(
      item,
      {
        template: tpl('verdict-only'),
        thinkingModel: false,
        constrained: true,
        constraint: 'grammar',
      },
      'AB',
    );
    expect(req.response_format).toEqual({ type: 'grammar', grammar: 'root ::= "A" | "B" | "C"' });
  });
});

describe('continuationRequest', () => {
  const t = tpl('mt-bench-pair');
  const request = buildRequest(item, { template: t, thinkingModel: true, seed: 7 }, 'AB');

  it('is due only when the budget ended before a readable verdict', () => {
    expect(
      continuationRequest(t, request, result('A is better. [[A]]', 'length'), true),
    ).toBeNull();
    expect(continuationRequest(t, request, result('A is better because', 'stop'), true)).toBeNull();
    const req = continuationRequest(t, request, result('A is better because', 'length'), true);
    expect(req).not.toBeNull();
    expect(req?.max_tokens).toBe(CONTINUATION_MAX_TOKENS);
    expect(req?.seed).toBe(7);
    expect(req?.enable_thinking).toBe(false);
    expect(req?.messages.slice(0, request.messages.length)).toEqual(request.messages);
    expect(req?.messages.at(-2)).toEqual({ role: 'assistant', content: 'A is better because' });
    const rf = req?.response_format;
    expect(rf?.type).toBe('grammar');
    if (rf?.type !== 'grammar') return;
    expect(gbnfAccepts(rf.grammar, '[[B]]')).toBe(true);
    expect(gbnfAccepts(rf.grammar, 'Because [[B]]')).toBe(false);
  });

  it('closes a think block the budget cut, so the verdict is read as the answer', () => {
    const j1 = tpl('j1-pairwise');
    const cut = result('<think>Answer A is right, B is', 'length');
    const req = continuationRequest(j1, request, cut, true);
    expect(req?.messages.at(-2)?.content).toBe('<think>Answer A is right, B is\n</think>');
    const joined = joinContinuation(cut, result('<answer>[[A]]</answer>', 'stop'));
    expect(joined.text).toBe('<think>Answer A is right, B is\n</think>\n<answer>[[A]]</answer>');
    expect(j1.parse(joined.text)).toMatchObject({ status: 'ok', verdict: 'A' });
    expect(joined.usage.completionTokens).toBe(100);
    expect(joined.usage.totalMs).toBe(5000);
    expect(joined.finishReason).toBe('stop');
  });
});

describe('judgeItem finishes a cut-off judgment', () => {
  it('re-asks for the verdict alone, records it as continued, and the verdict parses', async () => {
    const engine = new DeterministicEngine({
      respond: (req) =>
        isContinuation(req)
          ? '[[B]]'
          : 'Assistant A is accurate and complete while assistant B gets the city wrong, so',
    });
    const result = await judgeItem(engine, item, {
      template: tpl('mt-bench-pair'),
      thinkingModel: false,
      max_tokens: 5,
    });
    expect(engine.requests).toHaveLength(4);
    const [ab, ba] = result.orders.map((o) => o.judgments[0]);
    expect(ab?.continued).toBe(true);
    expect(ba?.continued).toBe(true);
    expect(ab?.parse.status).toBe('ok');
    expect(ab?.text.endsWith('\n[[B]]')).toBe(true);
    expect(ab?.finishReason).toBe('stop');
    // The same shown verdict in both orders: B, then A once mapped back.
    expect(ab?.parse.verdict).toBe('B');
    expect(ba?.parse.verdict).toBe('A');
  });

  it('leaves a complete judgment alone', async () => {
    const engine = new DeterministicEngine();
    const result = await judgeItem(engine, item, {
      template: tpl('mt-bench-pair'),
      thinkingModel: false,
    });
    expect(engine.requests).toHaveLength(2);
    expect(result.orders[0]?.judgments[0]?.continued).toBeUndefined();
  });
});
