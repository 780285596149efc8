// The Demo's pair picker names each example by its question and source, not by its id.
import { expect, test } from 'vitest';
import { EXAMPLES, exampleLabel } from '../../src/lib/data/examples';

test.each([
  [
    { prompt: 'Divide 45 by 9', source: 'LLMBar', subset: 'Adversarial/Neighbor' },
    'Divide 45 by 9 (LLMBar · Adversarial/Neighbor)',
  ],
  [
    {
      prompt: 'Given a base number and a power, calculate the result.\n\nBase:5   Power:3',
      source: 'LLMBar',
      subset: 'Natural',
    },
    'Given a base number and a power, calculate the result. (LLMBar · Natural)',
  ],
  [
    { prompt: `  ${'x'.repeat(70)}  `, source: 'HHH alignment', subset: 'harmless' },
    `${'x'.repeat(59)}… (HHH alignment · harmless)`,
  ],
] as const)('%j', (e, label) => {
  expect(exampleLabel(e)).toBe(label);
});

test('no bundled example is labelled by its id', () => {
  for (const e of EXAMPLES) expect(exampleLabel(e)).not.toContain(e.id);
});
