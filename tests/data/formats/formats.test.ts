// Import formats: label spellings, detection, every adapter, the parsers and every bad input, table-driven.
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import {
  adaptRows,
  chosenFirst,
  detectFormat,
  guessTextKind,
  JsonlByteParser,
  normalizeLabel,
  pairArenaHard,
  parseCsvText,
  parseJsonlText,
  parseJsonText,
  sniffBytes,
  type FieldMapping,
  type FormatId,
  type ImportedItem,
  type LineResult,
} from '../../../src/lib/data/formats';

const enc = new TextEncoder();

describe('normalizeLabel', () => {
  test.each([
    ['A', 'A'],
    ['a', 'A'],
    [' b ', 'B'],
    [1, 'A'],
    [2, 'B'],
    [1.5, 'tie'],
    ['1', 'A'],
    ['2', 'B'],
    ['1.5', 'tie'],
    ['2.0', 'B'],
    ['Response 1', 'A'],
    ['Response 2', 'B'],
    ['model_a', 'A'],
    ['model_b', 'B'],
    ['Output (a)', 'A'],
    ['[[B]]', 'B'],
    ['tie', 'tie'],
    ['Draw', 'tie'],
    ['tie (bothbad)', 'tie'],
    ['TIE (BOTHBAD)', 'tie'],
  ] as const)('%j → %s', (raw, label) => {
    expect(normalizeLabel(raw)).toEqual({ ok: true, label });
  });

  test.each([undefined, null, '', '  '])('%j is no label', (raw) => {
    expect(normalizeLabel(raw)).toEqual({ ok: true, label: undefined });
  });

  test.each([
    ['maybe', /unknown label "maybe"/],
    [3, /unknown label 3/],
    [0, /unknown label 0/],
    [true, /got boolean/],
    [{ x: 1 }, /got an object/],
    ['<script>alert(1)</script>', /unknown label/],
  ] as const)('%j is reported, not guessed', (raw, reason) => {
    const r = normalizeLabel(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});

describe('detectFormat', () => {
  const cases: [string, unknown[], FormatId, FieldMapping][] = [
    [
      'arbiter',
      [
        {
          id: 'x',
          prompt: 'p',
          response_a: 'a',
          response_b: 'b',
          label: 'A',
          model_a: 'm1',
          model_b: 'm2',
          reference: 'r',
        },
      ],
      'arbiter',
      {
        id: 'id',
        prompt: 'prompt',
        responseA: 'response_a',
        responseB: 'response_b',
        label: 'label',
        reference: 'reference',
        modelA: 'model_a',
        modelB: 'model_b',
      },
    ],
    [
      'llmbar',
      [{ input: 'p', output_1: 'a', output_2: 'b', label: 1 }],
      'llmbar',
      { prompt: 'input', responseA: 'output_1', responseB: 'output_2', label: 'label' },
    ],
    [
      'alpaca-eval',
      [
        {
          instruction: 'p',
          output_1: 'a',
          output_2: 'b',
          preference: 1.5,
          generator_1: 'g1',
          generator_2: 'g2',
        },
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
    ],
    [
      'chosen-rejected',
      [{ prompt: 'p', chosen: 'c', rejected: 'r' }],
      'chosen-rejected',
      { prompt: 'prompt', responseA: 'chosen', responseB: 'rejected' },
    ],
    [
      'fastchat',
      [
        {
          question_id: 81,
          model_a: 'x',
          model_b: 'y',
          winner: 'model_a',
          conversation_a: [],
          conversation_b: [],
        },
      ],
      'fastchat',
      {
        id: 'question_id',
        responseA: 'conversation_a',
        responseB: 'conversation_b',
        label: 'winner',
        modelA: 'model_a',
        modelB: 'model_b',
      },
    ],
    [
      'arena-hard questions',
      [{ question_id: 'q', category: 'arena-hard-v0.1', cluster: 'c', turns: [{ content: 'p' }] }],
      'arena-hard',
      { id: 'question_id', prompt: 'turns', category: 'cluster' },
    ],
    [
      'single with score',
      [{ prompt: 'p', response: 'r', score: 4 }],
      'single',
      { prompt: 'prompt', responseA: 'response', label: 'score' },
    ],
    [
      'prompts only (MT-Bench)',
      [{ id: 'mtbench-81', category: 'writing', turns: ['t1', 't2'], reference_answer_gpt4: null }],
      'single',
      { id: 'id', prompt: 'turns', reference: 'reference_answer_gpt4', category: 'category' },
    ],
    ['unknown columns', [{ foo: 1, bar: 2 }], 'custom', {}],
  ];
  test.each(cases)('%s', (_name, rows, format, mapping) => {
    expect(detectFormat(rows)).toEqual({ format, mapping });
  });

  test('CSV headers are matched case-insensitively', () => {
    expect(detectFormat([{ Prompt: 'p', Response: 'r' }]).mapping).toMatchObject({
      prompt: 'Prompt',
      responseA: 'Response',
    });
  });
});

function rows(values: unknown[]) {
  return values.map((value, i) => ({ line: i + 1, value }));
}

function adaptOne(value: unknown, format?: FormatId, mapping?: FieldMapping) {
  const d = detectFormat([value]);
  return adaptRows(rows([value]), format ?? d.format, mapping ?? d.mapping);
}

describe('adapters', () => {
  test.each([
    [
      'arbiter',
      { id: 'x', prompt: 'p', response_a: 'a', response_b: 'b', label: 'B', model_a: 'm1' },
      { id: 'x', prompt: 'p', responseA: 'a', responseB: 'b', label: 'B', modelA: 'm1', meta: {} },
    ],
    [
      'llmbar',
      { input: 'p', output_1: 'a', output_2: 'b', label: 2 },
      { id: 'line-1', prompt: 'p', responseA: 'a', responseB: 'b', label: 'B', meta: {} },
    ],
    [
      'alpaca tie',
      { instruction: 'p', output_1: 'a', output_2: 'b', preference: 1.5, annotator: 'gpt4' },
      {
        id: 'line-1',
        prompt: 'p',
        responseA: 'a',
        responseB: 'b',
        label: 'tie',
        meta: { annotator: 'gpt4' },
      },
    ],
    [
      'fastchat human judgment',
      {
        question_id: 81,
        model_a: 'alpaca-13b',
        model_b: 'gpt-3.5-turbo',
        winner: 'tie (bothbad)',
        judge: 'expert_0',
        conversation_a: [
          { role: 'user', content: 'Q' },
          { role: 'assistant', content: 'A1' },
        ],
        conversation_b: [
          { role: 'user', content: 'Q' },
          { role: 'assistant', content: 'B1' },
        ],
        turn: 1,
      },
      {
        id: '81',
        prompt: 'Q',
        responseA: 'A1',
        responseB: 'B1',
        label: 'tie',
        modelA: 'alpaca-13b',
        modelB: 'gpt-3.5-turbo',
        meta: { judge: 'expert_0', turn: 1, turns: 1, question_id: 81 },
      },
    ],
    [
      'single with score',
      { prompt: 'p', response: 'r', score: '4.5' },
      { id: 'line-1', prompt: 'p', responseA: 'r', label: 4.5, meta: {} },
    ],
    [
      'prompt only',
      { id: 'q1', turns: ['t1', 't2'] },
      {
        id: 'q1',
        prompt: 't1',
        responseA: '',
        conversation: { questions: ['t1', 't2'], answersA: [] },
        meta: { promptOnly: true },
      },
    ],
    [
      'arena-hard question',
      { question_id: 'q', cluster: 'c', turns: [{ content: 'p' }] },
      { id: 'q', prompt: 'p', responseA: '', category: 'c', meta: { promptOnly: true } },
    ],
  ] as const)('%s', (_name, value, item) => {
    const { items, errors } = adaptOne(value);
    expect(errors).toEqual([]);
    expect(items).toEqual([item]);
  });

  test('multi-turn FastChat conversations keep every turn', () => {
    const conv = (x: string) => [
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: `${x}1` },
      { role: 'user', content: 'Q2' },
      { role: 'assistant', content: `${x}2` },
    ];
    const { items } = adaptOne({
      question_id: 1,
      model_a: 'a',
      model_b: 'b',
      winner: 'model_b',
      conversation_a: conv('A'),
      conversation_b: conv('B'),
    });
    expect(items[0]).toMatchObject({
      prompt: '[Turn 1]\nQ1\n\n[Turn 2]\nQ2',
      responseA: '[Turn 1]\nA1\n\n[Turn 2]\nA2',
      label: 'B',
    });
  });

  test('chosen/rejected: placed by a seeded hash, label follows the chosen answer, reproducible', () => {
    const values = Array.from({ length: 400 }, (_, i) => ({
      id: `r${i}`,
      prompt: `p${i}`,
      chosen: `good${i}`,
      rejected: `bad${i}`,
    }));
    const { items, errors } = adaptRows(
      rows(values),
      'chosen-rejected',
      detectFormat(values).mapping,
    );
    expect(errors).toEqual([]);
    for (const it of items) {
      const good = it.label === 'A' ? it.responseA : it.responseB;
      expect(good).toMatch(/^good/);
      expect(it.meta.chosenPosition).toBe(it.label);
    }
    const firsts = items.filter((i) => i.label === 'A').length;
    expect(firsts).toBeGreaterThan(160);
    expect(firsts).toBeLessThan(240);
    expect(chosenFirst('r1')).toBe(chosenFirst('r1'));
    const other = adaptRows(rows(values), 'chosen-rejected', detectFormat(values).mapping, {
      seed: 'other',
    }).items;
    expect(other.map((i) => i.label)).not.toEqual(items.map((i) => i.label));
  });

  test('chosen/rejected HH-RLHF transcripts: the shared prefix is the prompt', () => {
    const { items } = adaptOne(
      {
        chosen: '\n\nHuman: hi\n\nAssistant: hello!',
        rejected: '\n\nHuman: hi\n\nAssistant: go away',
      },
      'chosen-rejected',
      { responseA: 'chosen', responseB: 'rejected' },
    );
    expect(items[0]!.prompt).toBe('Human: hi');
    expect([items[0]!.responseA, items[0]!.responseB].sort()).toEqual(['go away', 'hello!']);
  });

  test('chosen/rejected as message lists (UltraFeedback binarized)', () => {
    const msg = (a: string) => [
      { role: 'user', content: 'Q' },
      { role: 'assistant', content: a },
    ];
    const { items, errors } = adaptOne(
      { prompt_id: 'u1', chosen: msg('good'), rejected: msg('bad') },
      'chosen-rejected',
      { responseA: 'chosen', responseB: 'rejected' },
    );
    expect(errors).toEqual([]);
    expect(items[0]!.prompt).toBe('Q');
  });

  test('custom mapping of arbitrary columns', () => {
    const { items } = adaptOne(
      { q: 'p', left: 'a', right: 'b', win: 'Response 2', extra: 1 },
      'custom',
      { prompt: 'q', responseA: 'left', responseB: 'right', label: 'win' },
    );
    expect(items).toEqual([
      { id: 'line-1', prompt: 'p', responseA: 'a', responseB: 'b', label: 'B', meta: { extra: 1 } },
    ]);
  });

  const arbiter = {
    id: 'id',
    prompt: 'prompt',
    responseA: 'response_a',
    responseB: 'response_b',
    label: 'label',
  };
  test.each([
    ['not an object', 42, /not a JSON object \(got number\)/],
    ['an array', [1, 2], /got a list/],
    ['missing response_b', { prompt: 'p', response_a: 'a' }, /missing field "response_b"/],
    [
      'prompt is a number',
      { prompt: 5, response_a: 'a', response_b: 'b' },
      /"prompt" \(prompt\) must be text, got number/,
    ],
    [
      'prompt is an object',
      { prompt: { x: 1 }, response_a: 'a', response_b: 'b' },
      /must be text, got an object/,
    ],
    ['empty prompt', { prompt: '  ', response_a: 'a', response_b: 'b' }, /is empty/],
    [
      'unknown label',
      { prompt: 'p', response_a: 'a', response_b: 'b', label: 'C+' },
      /unknown label "C\+"/,
    ],
    [
      'id is an object',
      { id: { a: 1 }, prompt: 'p', response_a: 'a', response_b: 'b' },
      /id "id" must be text or a number/,
    ],
  ] as const)('bad row: %s', (_name, value, reason) => {
    const { items, errors } = adaptRows(rows([value]), 'arbiter', arbiter);
    expect(items).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.line).toBe(1);
    expect(errors[0]!.reason).toMatch(reason);
  });

  test('duplicate ids: the second is reported with the first line', () => {
    const { items, errors } = adaptRows(
      rows([
        { id: 'x', prompt: 'p', response_a: 'a', response_b: 'b' },
        { id: 'x', prompt: 'q', response_a: 'a', response_b: 'b' },
      ]),
      'arbiter',
      arbiter,
    );
    expect(items).toHaveLength(1);
    expect(errors).toEqual([
      expect.objectContaining({ line: 2, id: 'x', reason: 'duplicate id "x" (first on line 1)' }),
    ]);
  });

  test('__proto__ and constructor keys pollute nothing', () => {
    const text =
      '{"prompt":"p","response_a":"a","response_b":"b","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"meta":{"__proto__":{"polluted":3},"ok":1}}';
    const { rows: parsed } = parseJsonlText(text);
    const { items } = adaptRows(parsed, 'arbiter', arbiter);
    const item = items[0]!;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(item.meta)).toBe(Object.prototype);
    expect(Object.hasOwn(item.meta, '__proto__')).toBe(false);
    expect(Object.hasOwn(item.meta, 'constructor')).toBe(false);
    expect(item.meta).toEqual({ ok: 1 });
    const csv = parseCsvText('prompt,response_a,response_b,__proto__\np,a,b,x\n');
    expect(Object.getPrototypeOf(csv.rows[0]!.value)).toBe(Object.prototype);
    expect(Object.hasOwn(csv.rows[0]!.value as object, '__proto__')).toBe(true);
  });

  test('script payloads, RTL, zero-width, NUL and control characters are kept verbatim as text', () => {
    const x = '<script>alert(1)</script><img src=x onerror=alert(1)>\u202Eevil\u200B\u0000\u0007"';
    const { items, errors } = adaptRows(
      rows([{ id: x, prompt: x, response_a: x, response_b: x, label: 'A', model_a: x }]),
      'arbiter',
      { ...arbiter, modelA: 'model_a' },
    );
    expect(errors).toEqual([]);
    expect(items[0]).toMatchObject({ id: x, prompt: x, responseA: x, responseB: x, modelA: x });
  });

  test('a 12 MB field imports', () => {
    const big = 'x'.repeat(12 * 1024 * 1024);
    const { rows: parsed, errors } = parseJsonlText(
      JSON.stringify({ prompt: 'p', response_a: big, response_b: 'b' }),
    );
    expect(errors).toEqual([]);
    expect(adaptRows(parsed, 'arbiter', arbiter).items[0]!.responseA).toHaveLength(big.length);
  });

  test('1 bad row among 1,000: 999 items and the bad one with its line', () => {
    const lines = Array.from({ length: 1000 }, (_, i) =>
      i === 500
        ? '{"prompt": "p", "response_a": 1'
        : JSON.stringify({
            id: `r${i}`,
            prompt: `p${i}`,
            response_a: 'a',
            response_b: 'b',
            label: 'A',
          }),
    );
    const parsed = parseJsonlText(lines.join('\n') + '\n');
    const { items, errors } = adaptRows(parsed.rows, 'arbiter', arbiter);
    expect(items).toHaveLength(999);
    expect(errors).toEqual([]);
    expect(parsed.errors).toEqual([
      expect.objectContaining({ line: 501, reason: expect.stringMatching(/not valid JSON/) }),
    ]);
  });

  test('200,000 rows adapt', () => {
    const values = Array.from({ length: 200_000 }, (_, i) => ({
      line: i + 1,
      value: { prompt: `p${i}`, response_a: 'a', response_b: 'b', label: i % 2 ? 'A' : 'B' },
    }));
    const { items, errors } = adaptRows(values, 'arbiter', arbiter);
    expect(errors).toEqual([]);
    expect(items).toHaveLength(200_000);
    expect(new Set(items.map((i) => i.id)).size).toBe(200_000);
  }, 60_000);
});

describe('arena-hard answers', () => {
  const questions = rows([
    { question_id: 'q1', cluster: 'c1', turns: [{ content: 'P1' }] },
    { question_id: 'q2', cluster: 'c2', turns: [{ content: 'P2' }] },
  ]);
  const ans = (model: string, qid: string, text: string) => ({
    question_id: qid,
    answer_id: 'x',
    model_id: model,
    choices: [{ index: 0, turns: [{ content: text, token_len: 3 }] }],
  });
  test('pairs each model against the baseline', () => {
    const { items, errors } = pairArenaHard(
      questions,
      [
        {
          model: 'gpt-4-0314',
          rows: rows([ans('gpt-4-0314', 'q1', 'base1'), ans('gpt-4-0314', 'q2', 'base2')]),
        },
        { model: 'mine', rows: rows([ans('mine', 'q1', 'mine1'), ans('mine', 'q9', 'x')]) },
      ],
      'gpt-4-0314',
    );
    expect(items).toEqual([
      {
        id: 'q1:mine',
        prompt: 'P1',
        responseA: 'base1',
        responseB: 'mine1',
        modelA: 'gpt-4-0314',
        modelB: 'mine',
        category: 'c1',
        meta: { question_id: 'q1', baseline: 'gpt-4-0314' },
      },
    ]);
    expect(errors).toEqual([
      expect.objectContaining({ line: 2, reason: expect.stringMatching(/no question q9/) }),
    ]);
  });
  test('a missing baseline is an error', () => {
    expect(pairArenaHard(questions, [], 'gpt-4-0314').errors[0]!.reason).toMatch(/baseline/);
  });
});

function parseBytes(bytes: Uint8Array, chunk = 7): LineResult[] {
  const p = new JsonlByteParser();
  const out: LineResult[] = [];
  for (let i = 0; i < bytes.length; i += chunk) out.push(...p.push(bytes.subarray(i, i + chunk)));
  out.push(...p.end());
  return out;
}

describe('parsers and bad files', () => {
  const ok = '{"prompt":"p","response_a":"a","response_b":"b"}';
  test.each([
    ['empty file', '', 0, []],
    ['whitespace only', ' \n\t\n  \n', 0, []],
    ['not JSON', 'hello world\n', 0, [1]],
    ['CRLF', `${ok}\r\n${ok}\r\n`, 2, []],
    ['UTF-8 BOM', `\uFEFF${ok}\n${ok}`, 2, []],
    ['unterminated last line', `${ok}\n{"prompt":"p","resp`, 1, [2]],
    ['blank lines between rows keep numbering', `${ok}\n\n\nnope\n${ok}`, 2, [4]],
  ] as const)('%s', (_name, text, nRows, errorLines) => {
    for (const r of [parseJsonlText(text), splitResults(parseBytes(enc.encode(text)))]) {
      expect(r.rows).toHaveLength(nRows);
      expect(r.errors.map((e) => e.line)).toEqual(errorLines);
    }
  });

  test('unterminated last line says the file may be cut off', () => {
    expect(parseJsonlText(`${ok}\n{"prompt":"p`).errors[0]!.reason).toMatch(/cut off/);
  });

  test('invalid UTF-8 in one row: only that row fails', () => {
    const bad = new Uint8Array([
      ...enc.encode('{"prompt":"'),
      0xff,
      0xfe,
      0xc3,
      ...enc.encode('","response_a":"a","response_b":"b"}\n'),
    ]);
    const bytes = new Uint8Array([...enc.encode(`${ok}\n`), ...bad, ...enc.encode(`${ok}\n`)]);
    const r = splitResults(parseBytes(bytes, 5));
    expect(r.rows.map((x) => x.line)).toEqual([1, 3]);
    expect(r.errors).toEqual([
      expect.objectContaining({ line: 2, reason: expect.stringMatching(/UTF-8/) }),
    ]);
  });

  test('multi-byte characters split across chunks survive', () => {
    const text = '{"prompt":"héllo 世界 🎉","response_a":"a","response_b":"b"}\n';
    const r = splitResults(parseBytes(enc.encode(text), 3));
    expect((r.rows[0]!.value as { prompt: string }).prompt).toBe('héllo 世界 🎉');
  });

  test.each([
    ['gzip', gzipSync(Buffer.from(ok)), 'gzip'],
    ['UTF-8 BOM', new Uint8Array([0xef, 0xbb, 0xbf, 0x7b]), 'text'],
    ['UTF-16 LE BOM', new Uint8Array([0xff, 0xfe, 0x7b, 0]), 'text'],
    ['UTF-16 BE BOM', new Uint8Array([0xfe, 0xff, 0, 0x7b]), 'text'],
    ['zip', new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), 'binary'],
    [
      'random binary',
      new Uint8Array(Array.from({ length: 512 }, (_, i) => (i * 37) % 256)),
      'binary',
    ],
    ['plain JSONL', enc.encode(ok), 'text'],
  ] as const)('sniff %s', (_name, bytes, kind) => {
    expect(sniffBytes(bytes).kind).toBe(kind);
  });

  test('UTF-16 LE without a BOM is recognised', () => {
    const u16 = new Uint8Array([...ok].flatMap((c) => [c.charCodeAt(0), 0]));
    expect(sniffBytes(u16)).toEqual({ kind: 'text', encoding: 'utf-16le', bom: 0 });
  });

  test.each([
    ['a.jsonl', ok, 'jsonl'],
    ['a.json', '[\n' + ok + ']', 'json'],
    ['a.json', '{\n "data": []\n}', 'json'],
    ['a.txt', ok, 'jsonl'],
    ['a.csv', 'prompt,response', 'csv'],
    ['a.tsv', 'prompt\tresponse', 'tsv'],
    ['a.jsonl.gz', ok, 'jsonl'],
  ] as const)('guessTextKind %s', (name, head, kind) => {
    expect(guessTextKind(name, head)).toBe(kind);
  });

  test.each([
    ['array', `[${ok},${ok}]`, 2, 0],
    ['object holding an array', `{"data":[${ok}]}`, 1, 0],
    ['single object', ok, 1, 0],
    ['broken', '[{"a":', 0, 1],
    ['a number', '42', 0, 1],
  ] as const)('parseJsonText %s', (_name, text, nRows, nErrors) => {
    const r = parseJsonText(text);
    expect(r.rows).toHaveLength(nRows);
    expect(r.errors).toHaveLength(nErrors);
  });

  test.each([
    [
      'embedded quotes and newlines',
      'prompt,response\n"say ""hi""\nplease","ok, fine"\n',
      [{ line: 2, value: { prompt: 'say "hi"\nplease', response: 'ok, fine' } }],
      [],
    ],
    [
      'semicolon separator',
      'prompt;response\np;r\n',
      [{ line: 2, value: { prompt: 'p', response: 'r' } }],
      [],
    ],
    [
      'ragged rows',
      'prompt,response\np,r,extra\nq\nx,y\n',
      [{ line: 4, value: { prompt: 'x', response: 'y' } }],
      [2, 3],
    ],
    [
      // Only the row with the unclosed quote is lost; reading goes on from the line after it.
      'unclosed quote',
      'prompt,response\np,r\n"open,r\nq,s\n',
      [
        { line: 2, value: { prompt: 'p', response: 'r' } },
        { line: 4, value: { prompt: 'q', response: 's' } },
      ],
      [3],
    ],
    [
      'unclosed quote in the first row',
      'prompt,response\n"open,r\nq,s\n\nx,"y\nz"\n',
      [
        { line: 3, value: { prompt: 'q', response: 's' } },
        { line: 5, value: { prompt: 'x', response: 'y\nz' } },
      ],
      [2],
    ],
    [
      'two unclosed quotes',
      'prompt,response\n"a,b\n"c,d\ne,f\n',
      [{ line: 4, value: { prompt: 'e', response: 'f' } }],
      [2, 3],
    ],
    [
      'formula-looking cells kept as text',
      'prompt,response\n=1+2,@SUM(A1)\n',
      [{ line: 2, value: { prompt: '=1+2', response: '@SUM(A1)' } }],
      [],
    ],
    [
      'CRLF and blank lines',
      'prompt,response\r\np,r\r\n\r\nq,s\r\n',
      [
        { line: 2, value: { prompt: 'p', response: 'r' } },
        { line: 4, value: { prompt: 'q', response: 's' } },
      ],
      [],
    ],
    ['empty', '', [], []],
  ] as const)('CSV: %s', (_name, text, expected, errorLines) => {
    const r = parseCsvText(text);
    expect(r.rows).toEqual(expected);
    expect(r.errors.map((e) => e.line)).toEqual(errorLines);
  });

  test('an unclosed quote is reported with the line it opens on', () => {
    const r = parseCsvText('prompt,response\np,r\n"open,r\nq,s\n');
    expect(r.errors[0]!.reason).toMatch(/quote opened on line 3 is never closed/);
    expect(r.errors[0]!.raw).toBe('"open,r');
  });

  test('TSV with a forced tab delimiter', () => {
    expect(parseCsvText('prompt\tresponse\na,b\tc\n', { delimiter: '\t' }).rows[0]!.value).toEqual({
      prompt: 'a,b',
      response: 'c',
    });
  });
});

function splitResults(rs: LineResult[]) {
  return {
    rows: rs.filter((r): r is Exclude<LineResult, { reason: string }> => !('reason' in r)),
    errors: rs.filter((r) => 'reason' in r),
  };
}

export type { ImportedItem };
