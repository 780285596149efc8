// The shared reader (app worker and CLI) outside the browser: nesting depth, and rows kept around a refused one.
import { describe, expect, test } from 'vitest';
import { MAX_ROW_DEPTH, nestedDeeperThan, readRows } from '../../src/lib/data/import/read';
import type { LineResult } from '../../src/lib/data/formats';

const nest = (levels: number) =>
  JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`) as unknown;

describe('nestedDeeperThan', () => {
  test.each([
    ['a string', 'x', 1, false],
    ['a flat object', { a: 1 }, 1, false],
    ['one level too many', { a: { b: 1 } }, 1, true],
    ['100 arrays at limit 100', nest(100), 100, false],
    ['101 arrays at limit 100', nest(101), 100, true],
    ['a deep branch beside a shallow one', { a: 1, b: nest(5) }, 5, true],
    ['100,000 levels (no recursion)', nest(100_000), 100, true],
  ] as const)('%s', (_name, value, max, want) => {
    expect(nestedDeeperThan(value, max)).toBe(want);
  });
});

test('a row nested too deep is an error on its line; its neighbours are read', async () => {
  const ok = (i: number) => JSON.stringify({ prompt: `p${i}`, response_a: 'a', response_b: 'b' });
  const deep = JSON.stringify({ prompt: 'p', meta: nest(MAX_ROW_DEPTH + 1) });
  const got: LineResult[] = [];
  const r = await readRows(new Blob([[ok(1), deep, ok(3)].join('\n')]), 'x.jsonl', {
    row: (x) => got.push(x),
  });
  expect(r.ok).toBe(true);
  expect(got.map((x) => [x.line, 'reason' in x])).toEqual([
    [1, false],
    [2, true],
    [3, false],
  ]);
});
