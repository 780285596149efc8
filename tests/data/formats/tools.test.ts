// Other tools' files in their original shapes (Auto-J, PandaLM, JudgeBench, AlpacaEval, FastChat, Arbiter's camelCase): detected and imported exactly.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  adaptRows,
  detectFormat,
  parseJsonlText,
  parseJsonText,
  unreadColumns,
  type ImportedItem,
} from '../../../src/lib/data/formats';
import {
  alpacaEvalPreference,
  autoJLabel,
  pandaLMLabel,
} from '../../../src/lib/data/formats/labels';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)), 'utf8');
const shared = (p: string) =>
  readFileSync(fileURLToPath(new URL(`../../../../shared/data/${p}`, import.meta.url)), 'utf8');

/** Parses, detects and adapts a file the way an import does. */
function importText(text: string, json = false) {
  const parsed = json ? parseJsonText(text) : parseJsonlText(text);
  const detected = detectFormat(parsed.rows.slice(0, 50).map((r) => r.value));
  const adapted = adaptRows(parsed.rows, detected.format, detected.mapping);
  return { ...detected, ...adapted, parseErrors: parsed.errors };
}

function importRows(values: unknown[]) {
  return importText(values.map((v) => JSON.stringify(v)).join('\n'));
}

describe('label spellings of other tools', () => {
  test.each([
    [0, 'A'],
    [1, 'B'],
    [2, 'tie'],
    ['0', 'A'],
    [null, undefined],
  ] as const)('Auto-J %j → %s', (raw, label) => {
    expect(autoJLabel(raw)).toEqual({ ok: true, label });
  });

  test.each([3, -1, 'A', 0.5])('Auto-J %j is reported', (raw) => {
    expect(autoJLabel(raw).ok).toBe(false);
  });

  test.each([
    [[2, 2, 2], 'B'],
    [[1, 1, 0], 'A'],
    [[0, 0, 2], 'tie'],
    [[0, 1, 2], undefined],
    [['1', '1', '2'], 'A'],
  ] as const)('PandaLM votes %j → %s', (votes, label) => {
    expect(pandaLMLabel(votes)).toEqual({ ok: true, label });
  });

  test('a PandaLM vote that is not 0, 1 or 2 is reported', () => {
    expect(pandaLMLabel([1, 3, 1]).ok).toBe(false);
  });

  // alpaca_eval (metrics/helpers.py): 0 and 1.5 are draws; preference - 1 above 0.5 is a win for output_2.
  test.each([
    [1, 'A'],
    [2, 'B'],
    [1.5, 'tie'],
    [0, 'tie'],
    [1.0000015, 'A'],
    [1.73, 'B'],
    [1.4999, 'A'],
    [1.5001, 'B'],
    ['1.73', 'B'],
    [null, undefined],
    ['B', 'B'],
  ] as const)('AlpacaEval preference %j → %s', (raw, label) => {
    expect(alpacaEvalPreference(raw)).toEqual({ ok: true, label });
  });

  test.each([2.5, -1, 0.5, 3])('AlpacaEval preference %j is out of range', (raw) => {
    const r = alpacaEvalPreference(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/outside AlpacaEval's range/);
  });
});

describe('Auto-J testdata_pairwise.jsonl', () => {
  const r = importText(fixture('autoj-testdata_pairwise.jsonl'));
  const source = fixture('autoj-testdata_pairwise.jsonl')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

  test('is detected as Auto-J and every row imports as a pair', () => {
    expect(r.parseErrors).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(r.format).toBe('auto-j');
    expect(r.items).toHaveLength(4);
  });

  test('labels keep their meaning: 0 = response 1, 1 = response 2, 2 = tie', () => {
    // The fixture's rows, read by hand: 0, 1, 2, 1.
    expect(r.items.map((i) => i.label)).toEqual(['A', 'B', 'tie', 'B']);
  });

  test('response 1 is A, response 2 is B, the scenario is the subset', () => {
    r.items.forEach((item, i) => {
      expect(item.prompt).toBe(source[i]!.prompt);
      expect(item.responseA).toBe(source[i]!['response 1']);
      expect(item.responseB).toBe(source[i]!['response 2']);
      expect(item.category).toBe(source[i]!.scenario);
    });
  });
});

describe('PandaLM testset-v1.json', () => {
  const r = importText(fixture('pandalm-testset-v1.json'), true);
  const arbiterForm = new Map(
    shared('pandalm-test/pandalm_test.jsonl')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            prompt: string;
            response_a: string;
            response_b: string;
            label: string;
            meta: { idx: number };
          },
      )
      .map((row) => [row.meta.idx, row]),
  );

  test('is detected as PandaLM and every row imports as a pair', () => {
    expect(r.parseErrors).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(r.format).toBe('pandalm');
    expect(r.items).toHaveLength(7);
  });

  test('matches ../shared/data/pandalm-test row by row (prompt, answers, majority label)', () => {
    for (const item of r.items) {
      const want = arbiterForm.get(Number(item.id))!;
      expect(want).toBeDefined();
      expect({
        prompt: item.prompt,
        responseA: item.responseA,
        responseB: item.responseB,
        label: item.label,
      }).toEqual({
        prompt: want.prompt,
        responseA: want.response_a,
        responseB: want.response_b,
        label: want.label,
      });
    }
    // Ties, A, B and a split vote (1, 1, 0) are all in the fixture.
    expect(new Set(r.items.map((i) => i.label))).toEqual(new Set(['A', 'B', 'tie']));
  });

  test('cmp_key names the two models', () => {
    expect(r.items[0]).toMatchObject({ modelA: 'bloom-7b', modelB: 'llama-7b' });
  });
});

describe('JudgeBench', () => {
  const r = importText(fixture('dataset=judgebench,response_model=gpt-4o-2024-05-13.jsonl'));

  test('is detected as JudgeBench; labels, ids and subsets come through', () => {
    expect(r.errors).toEqual([]);
    expect(r.format).toBe('judgebench');
    expect(r.items.map((i) => [i.id, i.label, i.category])).toEqual([
      ['a1b2c3d4-0001', 'A', 'mmlu-pro-math'],
      ['a1b2c3d4-0002', 'B', 'livebench-reasoning'],
      ['a1b2c3d4-0003', 'A', 'livecodebench'],
    ]);
    expect(r.items[1]).toMatchObject({
      prompt: 'Alice is taller than Bob. Bob is taller than Carol. Who is shortest?',
      responseA: 'Alice is the shortest.',
      responseB: 'Carol is the shortest.',
      meta: { response_model: 'gpt-4o-2024-05-13', original_id: 'livebench-reasoning-77' },
    });
  });
});

test("Arbiter's camelCase names (its History CSV header) import as pairs with labels", () => {
  const r = importRows([
    { prompt: 'p1', responseA: 'a1', responseB: 'b1', label: 'B', modelA: 'm1', modelB: 'm2' },
    { prompt: 'p2', responseA: 'a2', responseB: 'b2', label: 'tie' },
  ]);
  expect(r.format).toBe('arbiter');
  expect(r.errors).toEqual([]);
  expect(r.items.map((i): Partial<ImportedItem> => ({ ...i, meta: {} }))).toEqual([
    {
      id: 'line-1',
      prompt: 'p1',
      responseA: 'a1',
      responseB: 'b1',
      label: 'B',
      modelA: 'm1',
      modelB: 'm2',
      meta: {},
    },
    { id: 'line-2', prompt: 'p2', responseA: 'a2', responseB: 'b2', label: 'tie', meta: {} },
  ]);
});

test('AlpacaEval annotations with soft preferences and 0 import, the preference kept', () => {
  const row = (preference: number | null) => ({
    instruction: 'p',
    output_1: 'a',
    output_2: 'b',
    generator_1: 'g1',
    generator_2: 'g2',
    annotator: 'weighted_alpaca_eval_gpt4_turbo',
    preference,
  });
  const r = importText(JSON.stringify([1.0000015, 1.73, 0, 1.5, 2, null].map(row)), true);
  expect(r.format).toBe('alpaca-eval');
  expect(r.errors).toEqual([]);
  expect(r.items.map((i) => i.label)).toEqual(['A', 'B', 'tie', 'tie', 'B', undefined]);
  expect(r.items.map((i) => i.meta.preference)).toEqual([
    1.0000015,
    1.73,
    undefined,
    undefined,
    undefined,
    undefined,
  ]);
});

test('FastChat single-answer rows keep every model’s answer to a question', () => {
  const answer = (question_id: number, model: string, score: number) => ({
    question_id,
    model,
    question: `Q${question_id}`,
    answer: `${model} on ${question_id}`,
    score,
  });
  const r = importRows([
    answer(81, 'gpt-4', 9),
    answer(81, 'vicuna-13b', 6),
    answer(82, 'gpt-4', 8),
    answer(82, 'vicuna-13b', 5),
  ]);
  expect(r.format).toBe('single');
  expect(r.errors).toEqual([]);
  expect(r.items.map((i) => [i.id, i.modelA, i.responseA, i.label])).toEqual([
    ['81:gpt-4', 'gpt-4', 'gpt-4 on 81', 9],
    ['81:vicuna-13b', 'vicuna-13b', 'vicuna-13b on 81', 6],
    ['82:gpt-4', 'gpt-4', 'gpt-4 on 82', 8],
    ['82:vicuna-13b', 'vicuna-13b', 'vicuna-13b on 82', 5],
  ]);
  // The question id keeps its type (a number), for tools that key on it.
  expect(r.items[0]!.meta.question_id).toBe(81);
});

describe('unreadColumns: answer-like and label-like columns a format would not read', () => {
  const keysOf = (name: string, json = false) => {
    const text = fixture(name);
    const rows = (json ? parseJsonText(text) : parseJsonlText(text)).rows;
    return Object.keys(rows[0]!.value as object);
  };
  test.each([
    [
      'Auto-J read as prompts only (what detection gave before it knew Auto-J)',
      keysOf('autoj-testdata_pairwise.jsonl'),
      'single',
      { prompt: 'prompt' },
      { answers: ['response 1', 'response 2'], labels: ['label'] },
    ],
    [
      'Auto-J as detected',
      keysOf('autoj-testdata_pairwise.jsonl'),
      'auto-j',
      detectFormat([{ prompt: 'p', 'response 1': 'a', 'response 2': 'b', label: 0 }]).mapping,
      { answers: [], labels: [] },
    ],
    [
      'PandaLM as detected (annotators are read by the format)',
      keysOf('pandalm-testset-v1.json', true),
      'pandalm',
      detectFormat([{ instruction: 'i', response1: 'a', response2: 'b' }]).mapping,
      { answers: [], labels: [] },
    ],
    [
      'PandaLM read as prompts only',
      keysOf('pandalm-testset-v1.json', true),
      'single',
      { prompt: 'instruction' },
      {
        answers: ['response1', 'response2'],
        labels: ['annotator1', 'annotator2', 'annotator3'],
      },
    ],
    [
      'JudgeBench: response_model names a model, not an answer',
      keysOf('dataset=judgebench,response_model=gpt-4o-2024-05-13.jsonl'),
      'judgebench',
      detectFormat([{ question: 'q', response_A: 'a', response_B: 'b', label: 'A>B' }]).mapping,
      { answers: [], labels: [] },
    ],
    [
      "Arbiter's AlpacaEval export (raw_completion is the judge's text)",
      [
        'instruction',
        'output_1',
        'output_2',
        'generator_1',
        'generator_2',
        'annotator',
        'preference',
        'raw_completion',
      ],
      'alpaca-eval',
      {
        prompt: 'instruction',
        responseA: 'output_1',
        responseB: 'output_2',
        label: 'preference',
        modelA: 'generator_1',
        modelB: 'generator_2',
      },
      { answers: [], labels: [] },
    ],
    [
      'unknown names, camelCase too',
      ['question', 'answer_1', 'answerTwo', 'humanPref', 'winner'],
      'custom',
      { prompt: 'question', label: 'winner' },
      { answers: ['answer_1', 'answerTwo'], labels: ['humanPref'] },
    ],
  ] as const)('%s', (_name, keys, format, mapping, want) => {
    expect(unreadColumns(keys, format, mapping)).toEqual(want);
  });
});
