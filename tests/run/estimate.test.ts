// The run estimate never throws on items a protocol cannot take: it counts them apart.
import { describe, expect, test } from 'vitest';
import { getTemplate, type JudgeConfig } from '../../src/lib/judge';
import { estimateRun } from '../../src/lib/run/estimate';
import { makeItem } from '../store/fixtures';

const speed = { decodeTokensPerS: null, prefillTokensPerS: null };
const config = (templateId: string): JudgeConfig => ({
  template: getTemplate(templateId)!,
  thinkingModel: false,
  bothOrders: true,
});

describe('estimateRun', () => {
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
    const e = estimateRun([...items], config(id), 4096, speed);
    expect(e.items).toBe(n);
    expect(e.unfit).toBe(unfit);
    expect(e.generations).toBe(gens);
  });
});
