// Templates: each builds both orders, states its own format, parses its own canonical verdict, never its echo.
import { describe, expect, it } from 'vitest';
import {
  getTemplate,
  templates,
  TemplateInputError,
  type JudgeItem,
  type Template,
} from '../../src/lib/judge';
import { firstPositionAnswer } from '../support/deterministic-engine';

const item: JudgeItem = {
  prompt: 'What is 2 + 2?',
  responseA: 'FIRST-ANSWER: 4',
  responseB: 'SECOND-ANSWER: 5',
  reference: 'REFERENCE: 4',
  rubric: {
    criteria: 'Is the arithmetic right?',
    levels: [1, 2, 3, 4, 5].map((score) => ({ score, description: `level ${score}` })),
  },
  judgmentA: 'JUDGMENT-ONE: Score: 5',
  judgmentB: 'JUDGMENT-TWO: Score: 1',
};

/** A canonical answer for each template, picking what it shows second. */
const SECOND: Record<string, string> = {
  'j1-pairwise': '<think>x</think>\n<answer>[[B]]</answer>',
  'j1-pairwise-reference': '<think>x</think>\n<answer>[[B]]</answer>',
  'mt-bench-pair': 'B is right.\n[[B]]',
  'mt-bench-pair-reference': 'B is right.\n[[B]]',
  'arena-hard': 'My final verdict is: [[B>>A]]',
  'auto-j-pairwise': 'So, the final decision is Response 2',
  'prometheus-relative': 'Feedback: x [RESULT] B',
  'meta-rewarding-meta': 'Winner: Judgement B',
  'verdict-only': 'B',
};
const SCORE: Record<string, string> = {
  'j1-single': '<score>6</score>',
  'mt-bench-single': 'Rating: [[6]]',
  'mt-bench-single-reference': 'Rating: [[6]]',
  'auto-j-single': 'Rating: [[6]]',
  'prometheus-absolute': 'Feedback: fine [RESULT] 3',
  'meta-rewarding-score': 'Score: 3',
};

const text = (t: Template, order: 'AB' | 'BA', thinkingModel = false) =>
  t
    .buildMessages(item, { order, thinkingModel })
    .map((m) => m.content)
    .join('\n');

describe('template registry', () => {
  it('has unique ids, integer versions and one-line descriptions', () => {
    expect(new Set(templates.map((t) => t.id)).size).toBe(templates.length);
    for (const t of templates) {
      expect(Number.isInteger(t.version) && t.version >= 1).toBe(true);
      expect(t.description).not.toContain('\n');
      expect(t.description.length).toBeLessThan(110);
      expect(getTemplate(t.id)).toBe(t);
    }
    expect(getTemplate('nope')).toBeUndefined();
    expect(new Set(templates.map((t) => t.family))).toEqual(
      new Set([
        'j1',
        'meta-rewarding',
        'auto-j',
        'mt-bench',
        'arena-hard',
        'prometheus',
        'verdict-only',
      ]),
    );
  });

  it('reports overhead tokens that grow with the prompt size, verdict-only the smallest', () => {
    const overhead = Object.fromEntries(templates.map((t) => [t.id, t.overheadTokens]));
    for (const t of templates) expect(t.overheadTokens).toBeGreaterThan(10);
    const min = Math.min(...templates.map((t) => t.overheadTokens));
    expect(overhead['verdict-only']).toBe(min);
    expect(overhead['verdict-only']).toBeLessThan(60);
  });
});

describe.each(templates.map((t) => [t.id, t] as const))('%s', (id, t) => {
  it('shows the answers in the asked order', () => {
    if (t.kind === 'single') {
      expect(text(t, 'AB')).toContain('FIRST-ANSWER');
      return;
    }
    const [one, two] =
      t.kind === 'meta' ? ['JUDGMENT-ONE', 'JUDGMENT-TWO'] : ['FIRST-ANSWER', 'SECOND-ANSWER'];
    const ab = text(t, 'AB');
    const ba = text(t, 'BA');
    expect(ab.indexOf(one)).toBeLessThan(ab.indexOf(two));
    expect(ba.indexOf(two)).toBeLessThan(ba.indexOf(one));
  });

  it('includes the reference and rubric only when it uses them', () => {
    expect(text(t, 'AB').includes('REFERENCE: 4')).toBe(t.acceptsReference);
    expect(text(t, 'AB').includes('level 3')).toBe(t.needsRubric);
  });

  it('rejects an item missing what it needs', () => {
    const bare: JudgeItem = { prompt: 'p', responseA: 'a' };
    const needsMore = t.kind !== 'single' || t.needsReference || t.needsRubric;
    const build = () => t.buildMessages(bare, { order: 'AB', thinkingModel: false });
    if (needsMore) expect(build).toThrow(TemplateInputError);
    else expect(build).not.toThrow();
  });

  it('parses its own canonical verdict as ok', () => {
    const out = t.kind === 'single' ? SCORE[id] : SECOND[id];
    expect(out).toBeDefined();
    const r = t.parse(out ?? '');
    expect(r.status).toBe('ok');
    if (t.kind === 'single')
      expect(r.score).toBe(id === 'prometheus-absolute' || id === 'meta-rewarding-score' ? 3 : 6);
    else expect(r.verdict).toBe('B');
  });

  it('never reads a verdict from its own prompt echoed back', () => {
    for (const order of ['AB', 'BA'] as const) {
      expect(t.parse(text(t, order)).status).toBe('failed');
    }
  });

  it('the default test judge answers in its format, and the first position wins', () => {
    const req = { messages: t.buildMessages(item, { order: 'AB', thinkingModel: false }) };
    const r = t.parse(firstPositionAnswer(req, false).text);
    expect(r.status).toBe('ok');
    if (t.kind !== 'single') expect(r.verdict).toBe('A');
  });

  it('asks for reasoning in <think> only for J1, and only when the model does not think by itself', () => {
    expect(text(t, 'AB', false).includes('<think>')).toBe(t.family === 'j1');
    expect(text(t, 'AB', true)).not.toContain('<think>');
  });

  it('has a JSON form whose constrained output parses', () => {
    const opts = { order: 'AB' as const, thinkingModel: false, json: true };
    const prompt = t
      .buildMessages(item, opts)
      .map((m) => m.content)
      .join('\n');
    const rf = t.responseFormat?.(opts);
    if (t.family === 'verdict-only') {
      expect(rf).toBeUndefined();
      expect(t.responseFormat?.({ order: 'AB', thinkingModel: false })).toEqual({
        type: 'grammar',
        grammar: 'root ::= "A" | "B" | "C"',
      });
    } else {
      expect(rf?.type).toBe('json_object');
    }
    expect(prompt).toContain('JSON');
    const answer = firstPositionAnswer(
      {
        messages: [],
        response_format: t.responseFormat?.(opts) ?? {
          type: 'json_object',
          schema: '{"properties":{"verdict":{}}}',
        },
      },
      false,
    ).text;
    const r = t.parse(answer);
    expect(r.status).toBe('ok');
    if (t.kind === 'single') expect(r.score).toBe(t.scoreRange?.[1]);
    else expect(r.verdict).toBe('A');
  });
});

describe('tie and graded options', () => {
  it('drops the tie option when asked', () => {
    const t = getTemplate('mt-bench-pair');
    const withTie = t?.buildMessages(item, { order: 'AB', thinkingModel: false }) ?? [];
    const noTie =
      t?.buildMessages(item, { order: 'AB', thinkingModel: false, allowTie: false }) ?? [];
    expect(withTie.map((m) => m.content).join()).toContain('[[C]]');
    expect(noTie.map((m) => m.content).join()).not.toContain('[[C]]');
    const arena = getTemplate('arena-hard');
    const graded =
      arena?.buildMessages(item, { order: 'AB', thinkingModel: false, allowTie: false }) ?? [];
    expect(graded.map((m) => m.content).join()).not.toContain('[[A=B]]');
    expect(arena?.graded).toBe(true);
  });
});
