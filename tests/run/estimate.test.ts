// The run estimate: items a protocol cannot take are counted apart (never a throw), and a time comes only from a measured speed, computed by hand here; never an assumed speed (#24).
import { describe, expect, it, test } from 'vitest';
import { getTemplate, type JudgeConfig, type Template } from '../../src/lib/judge';
import { typicalJudgmentMs } from '../../src/lib/judge/speed';
import { estimateRun } from '../../src/lib/run/estimate';
import type { ItemRecord } from '../../src/lib/store/schema';
import { makeItem } from '../store/fixtures';

const speed = { decodeTokensPerS: null, prefillTokensPerS: null };
const configFor = (templateId: string): JudgeConfig => ({
  template: getTemplate(templateId)!,
  thinkingModel: false,
  bothOrders: true,
});

describe('estimateRun: items a protocol cannot take', () => {
  const pair = makeItem({ id: 'p', responseB: 'other' });
  const single = makeItem({ id: 's', responseB: undefined });
  const shortTurns = makeItem({
    id: 't',
    responseB: 'b1',
    conversation: { questions: ['q1', 'q2'], answersA: ['a1', 'a2'], answersB: ['b1'] },
  });

  test.each([
    // [protocol, items, judgeable items, unfit, generations (2 orders for pairwise)]
    ['j1-pairwise', [pair, single], 1, 1, 2],
    ['mt-bench-pair', [pair, shortTurns], 1, 1, 2],
    ['mt-bench-single', [pair, single, shortTurns], 3, 0, 3],
  ] as const)('%s: judgeable and unfit items counted apart', (id, items, n, unfit, gens) => {
    const e = estimateRun([...items], configFor(id), 4096, speed);
    expect(e.items).toBe(n);
    expect(e.unfit).toBe(unfit);
    expect(e.generations).toBe(gens);
  });
});

const template = getTemplate('j1-pairwise') as Template;
const item = (i: number): ItemRecord => ({
  id: `i${i}`,
  datasetId: 'd',
  index: i,
  prompt: 'What is 2 + 2?',
  responseA: '4',
  responseB: '5',
  meta: {},
});
const items = [item(0), item(1)];
const config = { template, thinkingModel: false, max_tokens: 1024 };

describe('estimateRun', () => {
  it.each([
    ['nothing measured', { decodeTokensPerS: null, prefillTokensPerS: null }],
    ['a zero speed', { decodeTokensPerS: 0, prefillTokensPerS: 500 }],
    ['only prefill', { decodeTokensPerS: null, prefillTokensPerS: 500 }],
  ])('with %s gives no time and no speed', (_, speed) => {
    const e = estimateRun(items, config, 4096, speed);
    expect(e.seconds).toBeNull();
    expect(e.decodeTokensPerS).toBeNull();
    // The counts do not depend on speed: 2 items × 2 orders.
    expect(e.generations).toBe(4);
  });

  it('with a measured speed: prompt tokens at prefill speed plus 180 typical output tokens a generation at decode speed', () => {
    const e = estimateRun(items, config, 4096, { decodeTokensPerS: 10, prefillTokensPerS: 1000 });
    // By hand: 4 generations × 180 tokens / 10 tok/s = 72 s, plus the prompts at 1,000 tok/s.
    expect(e.outputTokens).toBe(720);
    expect(e.seconds).toBeCloseTo(72 + e.promptTokens / 1000, 6);
  });

  it('with decode measured alone, prefill is taken as 20 times faster', () => {
    const e = estimateRun(items, config, 4096, { decodeTokensPerS: 10, prefillTokensPerS: null });
    expect(e.prefillTokensPerS).toBe(200);
    expect(e.seconds).toBeCloseTo(72 + e.promptTokens / 200, 6);
  });
});

describe('typicalJudgmentMs', () => {
  it.each([
    // By hand: 2 orders × (600 / 1000 + 180 / 10) s = 37.2 s.
    [{ decodeTokensPerS: 10, prefillTokensPerS: 1000 }, 37_200],
    // Prefill unmeasured: 20 × 10 = 200 tok/s, so 2 × (3 + 18) s = 42 s.
    [{ decodeTokensPerS: 10, prefillTokensPerS: null }, 42_000],
  ])('%j → %i ms', (speed, ms) => expect(typicalJudgmentMs(speed)).toBeCloseTo(ms, 6));
});
