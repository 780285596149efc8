// MT-Bench files in FastChat's own shape (question.jsonl, model_answer/<model>.jsonl) import with both turns, references and numeric ids.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  adaptRows,
  detectFormat,
  pairArenaHard,
  parseJsonlText,
  singleAnswers,
  type ImportedItem,
} from '../../../src/lib/data/formats';

const fixture = (p: string) =>
  readFileSync(fileURLToPath(new URL(`./fixtures/mt-bench/${p}`, import.meta.url)), 'utf8');

/** The files as FastChat's own loaders read them (json.loads per line), for the expectations. */
const jsonl = (p: string) =>
  fixture(p)
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const Q = jsonl('question.jsonl') as {
  question_id: number;
  category: string;
  turns: string[];
  reference?: string[];
}[];
type AnswerRow = { question_id: number; choices: { turns: string[] }[] };
const BASE = jsonl('model_answer/gpt-3.5-turbo.jsonl') as AnswerRow[];
const VICUNA = jsonl('model_answer/vicuna-13b-v1.3.jsonl') as AnswerRow[];

describe('MT-Bench question.jsonl alone', () => {
  const parsed = parseJsonlText(fixture('question.jsonl'));
  const d = detectFormat(parsed.rows.map((r) => r.value));
  const { items, errors } = adaptRows(parsed.rows, d.format, d.mapping);

  test('every question imports, keyed by its question_id, which meta keeps as a number', () => {
    expect(errors).toEqual([]);
    expect(items.map((i) => i.id)).toEqual(Q.map((q) => String(q.question_id)));
    expect(items.map((i) => i.meta.question_id)).toEqual(Q.map((q) => q.question_id));
  });

  test('both turns are kept; the flat prompt is turn 1', () => {
    for (const [i, q] of Q.entries()) {
      expect(items[i]!.prompt).toBe(q.turns[0]);
      expect(items[i]!.conversation?.questions).toEqual(q.turns);
      expect(items[i]!.category).toBe(q.category);
    }
  });

  test('the two reference answers go to the reference (per turn), not to meta', () => {
    for (const [i, q] of Q.entries()) {
      const item = items[i]!;
      expect(item.meta).not.toHaveProperty('reference');
      expect(item.reference).toBe(q.reference?.[0]);
      expect(item.conversation?.references).toEqual(q.reference);
    }
    expect(items.filter((i) => i.conversation?.references)).toHaveLength(2);
  });
});

describe('MT-Bench question.jsonl with model_answer files', () => {
  const questions = parseJsonlText(fixture('question.jsonl')).rows;
  const answers = (model: string) => ({
    model,
    rows: parseJsonlText(fixture(`model_answer/${model}.jsonl`)).rows,
  });
  const { items, errors } = pairArenaHard(
    questions,
    [answers('gpt-3.5-turbo'), answers('vicuna-13b-v1.3')],
    'gpt-3.5-turbo',
  );

  test('each question becomes one pair with both answers to both turns', () => {
    expect(errors).toEqual([]);
    expect(items).toHaveLength(Q.length);
    const byQ = new Map(items.map((i) => [i.meta.question_id, i] as [unknown, ImportedItem]));
    for (const q of Q) {
      const item = byQ.get(q.question_id)!;
      const a = BASE.find((r) => r.question_id === q.question_id)!.choices[0]!.turns;
      const b = VICUNA.find((r) => r.question_id === q.question_id)!.choices[0]!.turns;
      expect(item).toMatchObject({
        prompt: q.turns[0],
        responseA: a[0],
        responseB: b[0],
        modelA: 'gpt-3.5-turbo',
        modelB: 'vicuna-13b-v1.3',
        category: q.category,
      });
      expect(item.conversation).toEqual({
        questions: q.turns,
        answersA: a,
        answersB: b,
        ...(q.reference ? { references: q.reference } : {}),
      });
      expect(item.reference).toBe(q.reference?.[0]);
    }
  });

  test('question_id stays the number FastChat keys its games with', () => {
    expect(items.map((i) => typeof i.meta.question_id)).toEqual(Q.map(() => 'number'));
  });
});

describe("Arbiter's own rows with a conversation (what the pairing and exports write)", () => {
  const mapping = detectFormat([
    { id: 'x', prompt: 'p', response_a: 'a', response_b: 'b', conversation: null },
  ]).mapping;
  const conversation = { questions: ['q1', 'q2'], answersA: ['a1', 'a2'], answersB: ['b1', 'b2'] };

  test('the conversation is kept as given, and not copied into meta', () => {
    const row = { id: 'x', prompt: 'q1', response_a: 'a1', response_b: 'b1', conversation };
    const { items, errors } = adaptRows([{ line: 1, value: row }], 'arbiter', mapping);
    expect(errors).toEqual([]);
    expect(items[0]!.conversation).toEqual(conversation);
    expect(items[0]!.meta).not.toHaveProperty('conversation');
  });

  test('a malformed conversation is that row’s error, with its line', () => {
    const row = {
      id: 'x',
      prompt: 'q1',
      response_a: 'a1',
      response_b: 'b1',
      conversation: 'q1 q2',
    };
    const { items, errors } = adaptRows([{ line: 7, value: row }], 'arbiter', mapping);
    expect(items).toEqual([]);
    expect(errors).toEqual([
      expect.objectContaining({ line: 7, reason: expect.stringMatching(/conversation/) }),
    ]);
  });
});

describe('MT-Bench question.jsonl with one model_answer file, graded alone', () => {
  const questions = parseJsonlText(fixture('question.jsonl')).rows;
  const rows = parseJsonlText(fixture('model_answer/vicuna-13b-v1.3.jsonl')).rows;
  const { items, errors } = singleAnswers(questions, [{ model: 'vicuna-13b-v1.3', rows }]);

  test('each answer is a single item with both turns of the question and of the answer', () => {
    expect(errors).toEqual([]);
    expect(items).toHaveLength(Q.length);
    for (const q of Q) {
      const item = items.find((i) => i.meta.question_id === q.question_id)!;
      const a = VICUNA.find((r) => r.question_id === q.question_id)!.choices[0]!.turns;
      expect(item).toMatchObject({
        prompt: q.turns[0],
        responseA: a[0],
        modelA: 'vicuna-13b-v1.3',
      });
      expect(item.responseB).toBeUndefined();
      expect(item.conversation).toEqual({
        questions: q.turns,
        answersA: a,
        ...(q.reference ? { references: q.reference } : {}),
      });
    }
  });

  test("as single-answer rows of Arbiter's own shape, the conversation comes through the adapter", () => {
    const row = {
      id: '81:vicuna',
      prompt: 'q1',
      response: 'a1',
      model: 'vicuna',
      conversation: { questions: ['q1', 'q2'], answersA: ['a1', 'a2'] },
    };
    const d = detectFormat([row]);
    expect(d.format).toBe('single');
    const out = adaptRows([{ line: 1, value: row }], d.format, d.mapping);
    expect(out.errors).toEqual([]);
    expect(out.items[0]!.conversation).toEqual(row.conversation);
    expect(out.items[0]!.meta).not.toHaveProperty('conversation');
  });
});
