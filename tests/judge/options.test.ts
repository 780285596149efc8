// Table-driven tests of the Judge page's option validation and of reading its saved draft.
import { describe, expect, it, test } from 'vitest';
import {
  defaultJudgeOptions,
  defaultMaxTokens,
  optionErrors,
  parseDraft,
  serializeDraft,
  type JudgeDraft,
  type OptionField,
} from '../../src/lib/judge/options';
import type { Template } from '../../src/lib/judge/types';

describe('optionErrors', () => {
  const cases: [string, Record<string, unknown>, Partial<Record<OptionField, RegExp>>][] = [
    ['the defaults', {}, {}],
    ['nine samples', { samples: 9 }, {}],
    ['50 samples (limit 9)', { samples: 50 }, { samples: /at most 9/ }],
    ['0 samples', { samples: 0 }, { samples: /at least 1/ }],
    ['1.5 samples', { samples: 1.5 }, { samples: /whole number/ }],
    ['empty samples', { samples: null }, { samples: /Enter the samples/ }],
    ['NaN samples', { samples: NaN }, { samples: /Enter the samples/ }],
    ['temperature 5', { temperature: 5 }, { temperature: /at most 2/ }],
    ['temperature -0.1', { temperature: -0.1 }, { temperature: /at least 0/ }],
    ['temperature 0.7', { temperature: 0.7 }, {}],
    ['temperature empty (default)', { temperature: null }, {}],
    ['max tokens -5', { maxTokens: -5 }, { maxTokens: /at least 0/ }],
    ['max tokens 10^6', { maxTokens: 1e6 }, { maxTokens: /at most 32,768/ }],
    ['max tokens 512', { maxTokens: 512 }, {}],
    ['seed -1', { seed: -1 }, { seed: /at least 0/ }],
    ['seed 2.5', { seed: 2.5 }, { seed: /whole number/ }],
    [
      'several at once',
      { samples: 0, temperature: 5, maxTokens: -5 },
      { samples: /at least 1/, temperature: /at most 2/, maxTokens: /at least 0/ },
    ],
  ];
  test.each(cases)('%s', (_name, patch, expected) => {
    const errors = optionErrors({ ...defaultJudgeOptions(), ...patch });
    expect(Object.keys(errors).sort()).toEqual(Object.keys(expected).sort());
    for (const [field, re] of Object.entries(expected))
      expect(errors[field as OptionField]).toMatch(re);
  });
});

describe('parseDraft', () => {
  const draft: JudgeDraft = {
    prompt: 'Q?',
    responseA: 'a',
    responseB: 'b',
    reference: '',
    rubricCriteria: '',
    rubricLevels: ['', '', '', '', ''],
    modelA: 'm1',
    modelB: '',
    templateId: 'verdict-only',
    options: { ...defaultJudgeOptions(), samples: 3, temperature: 0.5 },
  };

  test('round-trips a draft', () => {
    expect(parseDraft(serializeDraft(draft))).toEqual(draft);
  });

  const corrupt: [string, string | null][] = [
    ['nothing stored', null],
    ['empty string', ''],
    ['not JSON', '{"prompt": "unterminated'],
    ['JSON of another shape', '[1,2,3]'],
    ['another version', JSON.stringify({ ...draft, version: 99 })],
    ['a text field of the wrong type', JSON.stringify({ ...draft, version: 1, prompt: 42 })],
  ];
  test.each(corrupt)('%s gives null', (_name, raw) => {
    expect(parseDraft(raw)).toBeNull();
  });

  test('an option of the wrong type falls back to its default and keeps the text', () => {
    const raw = JSON.stringify({
      version: 1,
      prompt: 'kept',
      options: { samples: 'many', temperature: 'hot', seed: 7, bothOrders: 'yes' },
    });
    const d = parseDraft(raw);
    expect(d?.prompt).toBe('kept');
    expect(d?.options).toEqual({ ...defaultJudgeOptions(), seed: 7 });
    expect(d?.rubricLevels).toEqual(['', '', '', '', '']);
  });

  test('out-of-range options are kept as typed, for the form to flag', () => {
    const d = parseDraft(JSON.stringify({ version: 1, options: { samples: 50 } }));
    expect(d?.options?.samples).toBe(50);
    expect(optionErrors(d?.options).samples).toMatch(/at most 9/);
  });
});

describe('defaultMaxTokens: the output budget when left at 0', () => {
  it.each([
    ['a verdict-only template', 'verdict-only', true, 4096, 8],
    ['a reasoning template', 'j1', false, 4096, 1024],
    ['a model that thinks first', 'j1', true, 4096, 2048],
    ['a small window caps it at half', 'j1', true, 1000, 500],
    ['an odd window rounds down', 'auto-j', false, 1001, 500],
    ['no window known', 'j1', true, undefined, 2048],
  ] as const)('%s', (_name, family, thinking, window, expected) => {
    expect(defaultMaxTokens({ family } as Pick<Template, 'family'>, thinking, window)).toBe(
      expected,
    );
  });
});
