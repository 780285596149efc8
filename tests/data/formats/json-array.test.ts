// JsonArrayParser: a JSON list split element by element, whatever the chunking, with bad entries isolated.
import { describe, expect, test } from 'vitest';
import { JsonArrayParser, type LineResult } from '../../../src/lib/data/formats/text';

function parseAll(chunks: string[]): LineResult[] {
  const p = new JsonArrayParser();
  return [...chunks.flatMap((c) => p.push(c)), ...p.end()];
}

const summary = (rs: LineResult[]) =>
  rs.map((r) => ('reason' in r ? `E${r.line}` : JSON.stringify(r.value)));

describe('JsonArrayParser', () => {
  test.each([
    ['two objects', '[{"a":1},{"a":2}]', ['{"a":1}', '{"a":2}']],
    ['empty list', '[ ]', []],
    [
      'scalars and nesting',
      '[1, "x", [2,[3]], {"b":{"c":[4]}}, null]',
      ['1', '"x"', '[2,[3]]', '{"b":{"c":[4]}}', 'null'],
    ],
    [
      'brackets and commas inside strings',
      '[{"s":"a],}{[\\"b"}, "]"]',
      ['{"s":"a],}{[\\"b"}', '"]"'],
    ],
    ['escaped backslash before a quote', '["a\\\\", "b"]', ['"a\\\\"', '"b"']],
    ['a stray comma', '[1,,2]', ['1', 'E2', '2']],
    ['a trailing comma', '[1,2,]', ['1', '2', 'E3']],
    ['a bad entry among good ones', '[{"a":1},{"a":oops},{"a":3}]', ['{"a":1}', 'E2', '{"a":3}']],
    ['an extra closing brace', '[{"a":1}},{"a":2}]', ['E1', '{"a":2}']],
    ['cut off inside an entry', '[{"a":1},{"a":', ['{"a":1}', 'E2']],
    ['cut off after an entry', '[{"a":1}', ['{"a":1}', 'E2']],
    ['text after the list', '[1] trailing', ['1', 'E2']],
    ['not a list', '{"a":1}', ['E1']],
    ['nothing', '   ', ['E1']],
    ['BOM and CRLF', '\uFEFF[\r\n{"a":1},\r\n{"a":2}\r\n]\r\n', ['{"a":1}', '{"a":2}']],
  ] as const)('%s', (_name, text, want) => {
    expect(summary(parseAll([text]))).toEqual(want);
  });

  test('the same rows and errors however the text is chunked (every split point, one char at a time)', () => {
    const text =
      '[\n {"id":"x,]","p":"say \\"hi\\"\\n"},\n {"id":2,"p":[1,{"q":"}"}]},\n {"bad": nope},\n "\u202Ert\u202C"\n]';
    const whole = parseAll([text]);
    expect(whole.filter((r) => 'reason' in r)).toHaveLength(1);
    for (let i = 1; i < text.length; i++) {
      expect(parseAll([text.slice(0, i), text.slice(i)])).toEqual(whole);
    }
    expect(parseAll([...text])).toEqual(whole);
  });

  test('a bad entry names its entry number and the line it starts on', () => {
    const text = '[\n{"a":1},\n{"a":2},\n\n{"a":}\n]';
    const err = parseAll([text]).find((r) => 'reason' in r);
    expect(err).toMatchObject({ line: 3 });
    expect(err && 'reason' in err ? err.reason : '').toMatch(/entry 3 \(line 5 of the file\)/);
  });

  test('1 bad entry in 1,000 keeps the 999', () => {
    const entries = Array.from({ length: 1000 }, (_, i) =>
      i === 617 ? '{"id": 617, "prompt": }' : JSON.stringify({ id: i, prompt: `p${i}` }),
    );
    const rs = parseAll([`[${entries.join(',')}]`]);
    expect(rs.filter((r) => !('reason' in r))).toHaveLength(999);
    expect(rs.filter((r) => 'reason' in r).map((r) => r.line)).toEqual([618]);
  });

  test('__proto__ keys stay data: no prototype pollution', () => {
    const rs = parseAll(['[{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}]']);
    expect(rs).toHaveLength(1);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const v = (rs[0] as { value: object }).value;
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
  });
});
