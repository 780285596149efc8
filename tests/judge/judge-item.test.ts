// judgeItem against the deterministic engine: orders, mapping, flips, samples, logprobs, abort, callbacks.
import { describe, expect, it } from 'vitest';
import { AbortedError, ContextWindowExceededError } from '../../src/lib/engine/errors';
import type { GenerateRequest } from '../../src/lib/engine/types';
import {
  estimateItemTokens,
  countItemTokens,
  getTemplate,
  judgeItem,
  type Judgment,
  type Template,
} from '../../src/lib/judge';
import { DeterministicEngine, tokenize } from '../support/deterministic-engine';

const item = { prompt: 'Capital of France?', responseA: 'Paris.', responseB: 'Lyon.' };
const tpl = (id: string): Template => {
  const t = getTemplate(id);
  if (!t) throw new Error(id);
  return t;
};
const lastUser = (req: GenerateRequest) => req.messages.map((m) => m.content).join('\n');
/** A judge that is right: it picks whichever shown answer says Paris. */
const rightJudge = (req: GenerateRequest) => {
  const s = lastUser(req);
  return s.indexOf('Paris.') < s.indexOf('Lyon.') ? '[[A]]' : '[[B]]';
};

describe('judgeItem', () => {
  it('runs both orders and maps B/A back: a position-biased judge flips', async () => {
    const engine = new DeterministicEngine();
    const r = await judgeItem(engine, item, {
      template: tpl('mt-bench-pair'),
      thinkingModel: false,
    });
    expect(engine.requests).toHaveLength(2);
    expect(r.orders.map((o) => o.judgments[0]?.shownVerdict)).toEqual(['A', 'A']);
    expect(r.orders.map((o) => o.judgments[0]?.parse.verdict)).toEqual(['A', 'B']);
    expect(r.consistency).toBe('flipped');
    expect(r.verdict).toBe('tie');
  });

  it('a judge that reads the content is consistent', async () => {
    const engine = new DeterministicEngine({ respond: rightJudge });
    const r = await judgeItem(engine, item, {
      template: tpl('mt-bench-pair'),
      thinkingModel: false,
    });
    expect(r.consistency).toBe('consistent');
    expect(r.verdict).toBe('A');
  });

  it('a failed parse in one order is partial, never a tie', async () => {
    let n = 0;
    const engine = new DeterministicEngine({ respond: () => (n++ === 0 ? 'no idea' : '[[A]]') });
    const r = await judgeItem(engine, item, {
      template: tpl('mt-bench-pair'),
      thinkingModel: false,
    });
    expect(r.orders[0]?.judgments[0]?.parse.status).toBe('failed');
    expect(r.consistency).toBe('partial');
    expect(r.verdict).toBe('B');
  });

  it('samples: majority per order, seeds offset per sample, temperature 1', async () => {
    const answers = ['[[A]]', '[[B]]', '[[A]]'];
    let i = 0;
    const engine = new DeterministicEngine({ respond: () => answers[i++ % 3] ?? '' });
    const r = await judgeItem(engine, item, {
      template: tpl('mt-bench-pair'),
      thinkingModel: false,
      samples: 3,
      seed: 10,
      bothOrders: false,
    });
    expect(engine.requests.map((q) => q.seed)).toEqual([10, 11, 12]);
    expect(engine.requests.every((q) => q.temperature === 1)).toBe(true);
    expect(r.orders[0]?.majority).toMatchObject({ verdict: 'A', votes: { A: 2, B: 1, tie: 0 } });
    expect(r.consistency).toBe('one-order');
  });

  it('scores: mean and spread over samples', async () => {
    const scores = [6, 8, 7];
    let i = 0;
    const engine = new DeterministicEngine({ respond: () => `Rating: [[${scores[i++] ?? 0}]]` });
    const r = await judgeItem(engine, item, {
      template: tpl('mt-bench-single'),
      thinkingModel: false,
      samples: 3,
    });
    expect(engine.requests).toHaveLength(3);
    expect(r.scores?.mean).toBeCloseTo(7, 12);
    expect(r.scores?.sd).toBeCloseTo(Math.sqrt(2 / 3), 12);
  });

  it('verdict-only: one letter, thinking off, logprobs summed over " A"/"A" and mapped', async () => {
    const engine = new DeterministicEngine({
      thinking: true,
      respond: () => ({
        text: 'A',
        verdictLogprobs: {
          A: Math.log(0.5),
          ' A': Math.log(0.2),
          B: Math.log(0.2),
          C: Math.log(0.1),
        },
      }),
    });
    const r = await judgeItem(engine, item, { template: tpl('verdict-only'), thinkingModel: true });
    const [ab, ba] = r.orders.map((o) => o.judgments[0] as Judgment);
    expect(engine.requests[0]).toMatchObject({
      enable_thinking: false,
      logprobs: true,
      top_logprobs: 5,
      max_tokens: 8,
    });
    expect(ab?.probabilities?.A).toBeCloseTo(0.7, 10);
    expect(ab?.probabilities?.tie).toBeCloseTo(0.1, 10);
    expect(ba?.probabilities?.B).toBeCloseTo(0.7, 10);
    expect(r.preferenceA).toBeCloseTo(0.5, 10);
  });

  it('constrained: JSON schema sent, thinking switched off, verdict parses', async () => {
    const engine = new DeterministicEngine({ thinking: true });
    const r = await judgeItem(engine, item, {
      template: tpl('arena-hard'),
      thinkingModel: true,
      constrained: true,
    });
    const req = engine.requests[0];
    expect(req?.response_format?.type).toBe('json_object');
    expect(req?.enable_thinking).toBe(false);
    expect(r.orders[0]?.judgments[0]?.parse).toMatchObject({
      status: 'ok',
      verdict: 'A',
      strength: 1,
    });
  });

  it('thinking models keep thinking when not constrained, and the thinking is not parsed', async () => {
    const engine = new DeterministicEngine({
      thinking: true,
      respond: () => '<think>Surely [[B]]? No.</think>\n[[A]]',
    });
    const r = await judgeItem(engine, item, {
      template: tpl('mt-bench-pair'),
      thinkingModel: true,
    });
    expect(engine.requests[0]?.enable_thinking).toBe(true);
    expect(r.orders[0]?.judgments[0]?.shownVerdict).toBe('A');
  });

  it('streams tokens and reports each judgment and each order as it completes', async () => {
    const engine = new DeterministicEngine();
    const events: string[] = [];
    let streamed = '';
    await judgeItem(
      engine,
      item,
      { template: tpl('mt-bench-pair'), thinkingModel: false },
      {
        onToken: (order, sample, _delta, full) => {
          if (order === 'AB' && sample === 0) streamed = full;
        },
        onJudgment: (j) => events.push(`judgment ${j.order}`),
        onOrderDone: (order) => events.push(`order ${order}`),
      },
    );
    expect(events).toEqual(['judgment AB', 'order AB', 'judgment BA', 'order BA']);
    expect(streamed).toContain('[[A]]');
  });

  it('aborts with AbortedError and keeps what was reported', async () => {
    const engine = new DeterministicEngine({ tokensPerSecond: 200 });
    const controller = new AbortController();
    const done: string[] = [];
    const run = judgeItem(
      engine,
      item,
      { template: tpl('mt-bench-pair'), thinkingModel: false },
      {
        signal: controller.signal,
        onJudgment: (j) => {
          done.push(j.order);
          controller.abort();
        },
      },
    );
    await expect(run).rejects.toBeInstanceOf(AbortedError);
    expect(done).toEqual(['AB']);
  });

  it('estimates tokens close to the engine count, and the engine refuses what does not fit', async () => {
    const long = { ...item, responseA: 'Paris is the capital. '.repeat(200) };
    const config = { thinkingModel: false };
    const est = estimateItemTokens(long, tpl('mt-bench-pair'), config);
    const engine = new DeterministicEngine({ contextWindow: 1024 });
    const exact = await countItemTokens(engine, long, tpl('mt-bench-pair'), config);
    expect(est.promptTokens / exact.promptTokens).toBeGreaterThan(0.6);
    expect(est.promptTokens / exact.promptTokens).toBeLessThan(1.6);
    expect(est.total).toBeGreaterThan(1024);
    await expect(
      judgeItem(engine, long, { template: tpl('mt-bench-pair'), thinkingModel: false }),
    ).rejects.toBeInstanceOf(ContextWindowExceededError);
  });
});

describe('DeterministicEngine', () => {
  it('tokenizes losslessly into word-sized pieces', () => {
    for (const s of ['Hello, world!  [[A]]\n', '<think>x</think>\n\n评分: [[6]]', '  ']) {
      expect(tokenize(s).join('')).toBe(s);
    }
    expect(tokenize('[[A]]')).toEqual(['[', '[', 'A', ']', ']']);
  });

  it('loads through the phases and reports usage and logprobs', async () => {
    const engine = new DeterministicEngine();
    const phases: string[] = [];
    await engine.load(
      { modelId: 'm', modelUrl: 'u', modelLibUrl: 'l', contextWindow: 2048, thinking: false },
      { onProgress: (p) => phases.push(p.phase) },
    );
    expect(phases[0]).toBe('checking');
    expect(phases).toContain('downloading');
    expect(phases[phases.length - 1]).toBe('ready');
    const res = await engine.generate({
      messages: [{ role: 'user', content: 'Say [[A]]' }],
      max_tokens: 3,
      logprobs: true,
      top_logprobs: 2,
    });
    expect(res.finishReason).toBe('length');
    expect(res.usage.completionTokens).toBe(3);
    expect(res.usage.promptTokens).toBe(
      await engine.countTokens([{ role: 'user', content: 'Say [[A]]' }]),
    );
    expect(res.logprobs).toHaveLength(3);
  });

  it("judgeItem streams every token to onToken and keeps each order's own usage", async () => {
    const engine = new DeterministicEngine({ tokensPerSecond: 500 });
    const results = new Map<string, Awaited<ReturnType<typeof engine.generate>>>();
    const generate = engine.generate.bind(engine);
    let n = 0;
    engine.generate = async (req, opts) => {
      const order = n++ === 0 ? 'AB' : 'BA';
      const r = await generate(req, opts);
      results.set(order, r);
      return r;
    };
    const streamed = new Map<string, string[]>();
    const judgments: Judgment[] = [];
    await judgeItem(
      engine,
      item,
      { template: tpl('mt-bench-pair'), thinkingModel: false },
      {
        onToken: (order, _s, delta, text) => {
          const seen = streamed.get(order) ?? [];
          // Each update extends the text by exactly its delta.
          expect(text).toBe((seen.at(-1) ?? '') + delta);
          streamed.set(order, [...seen, text]);
        },
        onJudgment: (j) => judgments.push(j),
      },
    );
    expect(judgments.map((j) => j.order)).toEqual(['AB', 'BA']);
    for (const j of judgments) {
      const r = results.get(j.order);
      expect(j.usage).toEqual(r?.usage);
      expect(streamed.get(j.order)?.at(-1)).toBe(j.text);
      expect(streamed.get(j.order)).toHaveLength(r?.usage.completionTokens ?? -1);
    }
  });

  it.each([
    [
      'onToken and a pace',
      true,
      { minChars: 600, maxWaitMs: 2000 },
      { minChars: 600, maxWaitMs: 2000 },
    ],
    ['onToken, no pace', true, undefined, undefined],
    // No one watches the tokens: no pace either (the engine sends none).
    ['a pace, no onToken', false, { minChars: 600, maxWaitMs: 2000 }, undefined],
  ])('judgeItem passes the stream pace to every generation: %s', async (_n, watch, pace, seen) => {
    const engine = new DeterministicEngine({ tokensPerSecond: 0 });
    const paces: unknown[] = [];
    const generate = engine.generate.bind(engine);
    engine.generate = (req, opts) => {
      paces.push(opts?.pace);
      return generate(req, opts);
    };
    await judgeItem(
      engine,
      item,
      { template: tpl('mt-bench-pair'), thinkingModel: false },
      { ...(watch ? { onToken: () => {} } : {}), ...(pace ? { pace } : {}) },
    );
    expect(paces).toEqual([seen, seen]);
  });
});
