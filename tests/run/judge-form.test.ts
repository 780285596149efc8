// The Judge page's form as plain values: problems, the item and context it judges, the prompt preview, inputs and the draft.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { getTemplate, type Template } from '../../src/lib/judge';
import { defaultJudgeOptions } from '../../src/lib/judge/options';
import { EXAMPLES } from '../../src/lib/data/examples';
import {
  DEFAULT_TEMPLATE_ID,
  DRAFT_KEY,
  defaultMaxTokens,
  exampleInputs,
  formContext,
  formExample,
  formFromInputs,
  formItem,
  formProblems,
  formSignature,
  pageTemplate,
  pageTemplates,
  promptMessages,
  readDraft,
  sameAnswers,
  writeDraft,
  type JudgeForm,
} from '../../src/lib/run/judge-form';

const tpl = (id: string) => getTemplate(id) as Template;

function form(over: Partial<JudgeForm> = {}): JudgeForm {
  return {
    prompt: 'Capital of France?',
    responseA: 'Paris.',
    responseB: 'Lyon.',
    reference: '',
    rubricCriteria: '',
    rubricLevels: ['', '', '', '', ''],
    modelA: '',
    modelB: '',
    templateId: DEFAULT_TEMPLATE_ID,
    options: defaultJudgeOptions(),
    ...over,
  };
}

const spec = { modelId: 'test-judge', thinking: false, contextWindow: 4096 };

describe('what the form asks', () => {
  test('the page offers no meta-judging templates; an unknown id falls back to the first', () => {
    expect(pageTemplates.some((t) => t.kind === 'meta')).toBe(false);
    expect(pageTemplate('nope')).toBe(pageTemplates[0]);
    expect(pageTemplate('j1-single').id).toBe('j1-single');
  });

  test.each([
    ['complete pair', form(), 'j1-pairwise', []],
    ['no prompt', form({ prompt: ' ' }), 'j1-pairwise', ['Enter the prompt.']],
    [
      'no answers',
      form({ responseA: '', responseB: '' }),
      'j1-pairwise',
      ['Enter answer A.', 'Enter answer B.'],
    ],
    ['single answer', form({ responseA: '', responseB: '' }), 'j1-single', ['Enter the answer.']],
    [
      'reference needed',
      form(),
      'j1-pairwise-reference',
      ['This protocol needs a reference answer.'],
    ],
    [
      'rubric needed',
      form(),
      'prometheus-absolute',
      ['This protocol needs a rubric: fill in the criteria.'],
    ],
  ])('problems: %s', (_name, f, id, expected) => {
    expect(formProblems(f, tpl(id), {})).toEqual(expected);
  });

  test('an option out of range is a problem', () => {
    expect(formProblems(form(), tpl('j1-pairwise'), { samples: 'too many' })).toEqual([
      'Fix the options marked under Options.',
    ]);
  });

  test('the item carries only what the template reads', () => {
    const f = form({
      reference: 'Paris',
      rubricCriteria: 'Correct?',
      rubricLevels: ['no', '', 'yes', '', ''],
      modelA: ' a ',
    });
    expect(formItem(f, tpl('j1-single'))).toEqual({
      prompt: 'Capital of France?',
      responseA: 'Paris.',
      reference: 'Paris',
      modelA: 'a',
    });
    expect(formItem(f, tpl('j1-pairwise')).reference).toBeUndefined();
    expect(formItem(f, tpl('prometheus-absolute')).rubric).toEqual({
      criteria: 'Correct?',
      levels: [
        { score: 1, description: 'no' },
        { score: 3, description: 'yes' },
      ],
    });
  });

  test('max tokens 0 means the template default for the model, at most half its window', () => {
    expect(defaultMaxTokens(tpl('j1-pairwise'), false, 4096)).toBe(1024);
    expect(defaultMaxTokens(tpl('j1-pairwise'), true, 4096)).toBe(2048);
    expect(defaultMaxTokens(tpl('j1-pairwise'), true, 1000)).toBe(500);
    expect(defaultMaxTokens(tpl('verdict-only'), true, 4096)).toBe(8);
    const ctx = formContext(form(), tpl('j1-pairwise'), 'test', spec);
    expect(ctx.options.maxTokens).toBe(1024);
    expect(ctx.model).toEqual({ engine: 'test', modelId: 'test-judge', thinking: false });
    const set = formContext(
      form({ options: { ...defaultJudgeOptions(), maxTokens: 300 } }),
      tpl('j1-pairwise'),
      'test',
      spec,
    );
    expect(set.options.maxTokens).toBe(300);
  });

  test('the preview has one request per order the judging sends', () => {
    const both = promptMessages(formContext(form(), tpl('j1-pairwise'), 'test', spec));
    expect(both?.map((p) => p.order)).toEqual(['AB', 'BA']);
    expect(JSON.stringify(both?.[0]?.messages)).toContain('Paris.');
    const single = promptMessages(formContext(form(), tpl('j1-single'), 'test', spec));
    expect(single?.map((p) => p.order)).toEqual(['AB']);
  });

  test('identical answers, the example held, and the signature', () => {
    expect(sameAnswers(form({ responseB: ' Paris. ' }), tpl('j1-pairwise'))).toBe(true);
    expect(sameAnswers(form({ responseB: 'Paris.' }), tpl('j1-single'))).toBe(false);
    const e = EXAMPLES[0];
    if (!e) throw new Error('no examples');
    expect(
      formExample(form({ prompt: e.prompt, responseA: e.responseA, responseB: e.responseB })),
    ).toBe(e);
    expect(formExample(form())).toBeNull();
    expect(formSignature(form())).toBe(formSignature(form()));
    expect(formSignature(form({ modelB: 'x' }))).not.toBe(formSignature(form()));
  });
});

describe('inputs into the form', () => {
  test('a stored pair sets its texts, a template the page offers, and options over the current', () => {
    const options = defaultJudgeOptions();
    const f = formFromInputs(
      { prompt: 'p', responseA: 'a', templateId: 'meta-rewarding-meta', options: { samples: 3 } },
      options,
    );
    expect(f).toEqual({
      prompt: 'p',
      responseA: 'a',
      responseB: '',
      reference: '',
      modelA: '',
      modelB: '',
      options: { ...options, samples: 3 },
    });
    expect(
      formFromInputs({ prompt: 'p', responseA: 'a', templateId: 'j1-single' }, options).templateId,
    ).toBe('j1-single');
  });

  test('an example by id, with the template asked for', () => {
    const e = EXAMPLES[0];
    if (!e) throw new Error('no examples');
    expect(exampleInputs(e.id, 'mt-bench-pair')).toMatchObject({
      prompt: e.prompt,
      templateId: 'mt-bench-pair',
    });
    expect(exampleInputs('nope', 'mt-bench-pair')).toBeNull();
  });
});

describe('the draft', () => {
  let store: Map<string, string>;
  beforeEach(() => {
    store = new Map();
    vi.stubGlobal('localStorage', {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  test('what is written is read back', () => {
    const f = form({
      reference: 'r',
      rubricLevels: ['1', '2', '', '', ''],
      templateId: 'j1-single',
    });
    writeDraft(f);
    expect(readDraft()).toEqual(f);
  });

  test('a corrupt draft gives nothing and is removed', () => {
    store.set(DRAFT_KEY, '{"version":1,"prompt":');
    expect(readDraft()).toEqual({});
    expect(store.has(DRAFT_KEY)).toBe(false);
  });

  test('a template the page does not offer is left out', () => {
    writeDraft(form({ templateId: 'meta-rewarding-meta' }));
    expect(readDraft().templateId).toBeUndefined();
    expect(readDraft().prompt).toBe('Capital of France?');
  });

  test('a blocked storage only loses the draft', () => {
    vi.stubGlobal('localStorage', {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    });
    expect(() => writeDraft(form())).not.toThrow();
    expect(readDraft()).toEqual({});
  });
});
