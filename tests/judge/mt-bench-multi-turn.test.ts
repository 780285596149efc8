// MT-Bench multi-turn templates: a two-turn item renders exactly FastChat's pair/single multi-turn prompts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getTemplate, TemplateInputError, type JudgeItem } from '../../src/lib/judge';

/** FastChat's judge_prompts.jsonl, the four multi-turn lines as they are in lm-sys/FastChat. */
const PROMPTS = new Map(
  readFileSync(
    new URL('./fixtures/fastchat-judge-prompts-multi-turn.jsonl', import.meta.url),
    'utf8',
  )
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { name: string; system_prompt: string; prompt_template: string })
    .map((p) => [p.name, p]),
);

/** Python's str.format for named fields, as FastChat fills its templates. */
function pyFormat(template: string, kwargs: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = kwargs[k];
    if (v === undefined) throw new Error(`missing ${k}`);
    return v;
  });
}

const conversation = {
  questions: ['Q1: what is 3 x 4?', 'Q2: and { x 2 }?'],
  answersA: ['A1: 12', 'A2: 24'],
  answersB: ['B1: 13', 'B2: 26'],
};
const references = ['R1: 12', 'R2: 24'];

function item(withRefs: boolean): JudgeItem {
  return {
    prompt: conversation.questions[0]!,
    responseA: conversation.answersA[0]!,
    responseB: conversation.answersB[0]!,
    ...(withRefs ? { reference: references[0]! } : {}),
    conversation: { ...conversation, ...(withRefs ? { references } : {}) },
  };
}

describe('MT-Bench multi-turn prompts equal FastChat judge_prompts.jsonl', () => {
  const cases = [
    { template: 'mt-bench-pair', refs: false, fastchat: 'pair-v2-multi-turn' },
    { template: 'mt-bench-pair', refs: true, fastchat: 'pair-math-v1-multi-turn' },
    { template: 'mt-bench-pair-reference', refs: true, fastchat: 'pair-math-v1-multi-turn' },
    { template: 'mt-bench-single', refs: false, fastchat: 'single-v1-multi-turn' },
    { template: 'mt-bench-single', refs: true, fastchat: 'single-math-v1-multi-turn' },
    { template: 'mt-bench-single-reference', refs: true, fastchat: 'single-math-v1-multi-turn' },
  ];
  for (const c of cases) {
    for (const order of ['AB', 'BA'] as const) {
      if (c.template.includes('single') && order === 'BA') continue;
      it(`${c.template}${c.refs ? ' with references' : ''} (${order}) is ${c.fastchat}`, () => {
        const fc = PROMPTS.get(c.fastchat)!;
        const [a, b] =
          order === 'AB'
            ? [conversation.answersA, conversation.answersB]
            : [conversation.answersB, conversation.answersA];
        const kwargs: Record<string, string> = {
          question_1: conversation.questions[0]!,
          question_2: conversation.questions[1]!,
          answer_a_1: a[0]!,
          answer_a_2: a[1]!,
          answer_b_1: b[0]!,
          answer_b_2: b[1]!,
          answer_1: conversation.answersA[0]!,
          answer_2: conversation.answersA[1]!,
          ref_answer_1: references[0]!,
          ref_answer_2: references[1]!,
        };
        const messages = getTemplate(c.template)!.buildMessages(item(c.refs), {
          order,
          thinkingModel: false,
        });
        expect(messages).toEqual([
          { role: 'system', content: fc.system_prompt },
          { role: 'user', content: pyFormat(fc.prompt_template, kwargs) },
        ]);
      });
    }
  }
});

describe('MT-Bench multi-turn inputs', () => {
  it('a single-turn item keeps the single-turn prompt', () => {
    const one: JudgeItem = { prompt: 'P', responseA: 'X', responseB: 'Y' };
    const [, user] = getTemplate('mt-bench-pair')!.buildMessages(one, {
      order: 'AB',
      thinkingModel: false,
    });
    expect(user!.content).toContain('[User Question]\nP');
    expect(user!.content).not.toContain('Conversation with User');
  });

  it('a conversation whose answer misses a turn is an input error, never judged on half', () => {
    const short: JudgeItem = {
      ...item(false),
      conversation: { ...conversation, answersB: ['B1 only'] },
    };
    expect(() =>
      getTemplate('mt-bench-pair')!.buildMessages(short, { order: 'AB', thinkingModel: false }),
    ).toThrow(TemplateInputError);
  });

  it('the reference template needs a reference for every turn', () => {
    const noRefs: JudgeItem = { ...item(false), reference: 'R1' };
    expect(() =>
      getTemplate('mt-bench-pair-reference')!.buildMessages(noRefs, {
        order: 'AB',
        thinkingModel: false,
      }),
    ).toThrow(TemplateInputError);
  });

  it('without a tie the verdict sentence drops [[C]] and nothing else changes', () => {
    const [system] = getTemplate('mt-bench-pair')!.buildMessages(item(false), {
      order: 'AB',
      thinkingModel: false,
      allowTie: false,
    });
    const fc = PROMPTS.get('pair-v2-multi-turn')!.system_prompt;
    expect(system!.content).toBe(fc.replace(', and "[[C]]" for a tie.', '.'));
  });
});
