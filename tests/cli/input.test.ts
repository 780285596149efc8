// The CLI's input reader is the app's: UTF-16 and gzip files read alike, and a row of invalid UTF-8 is reported by its line, never judged as "�".
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, test } from 'vitest';
import { readInput } from '../../cli/input';
import { useSyncSha256 } from '../../src/lib/store/key';
import { createHash } from 'node:crypto';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'arbiter-cli-input-'));
  useSyncSha256((text) => createHash('sha256').update(text, 'utf8').digest('hex'));
});

const lines = [
  { id: 'q1', prompt: 'Grüße?', response_a: 'a1 ✓', response_b: 'b1', label: 'A' },
  { id: 'q2', prompt: 'p2', response_a: 'a2', response_b: 'b2', label: 'B' },
]
  .map((r) => JSON.stringify(r))
  .join('\n');

function file(name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

function utf16le(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

describe('readInput', () => {
  test.each([
    ['UTF-8', 'plain.jsonl', Buffer.from(lines)],
    ['UTF-16 LE with a BOM', 'utf16.jsonl', utf16le(lines)],
    ['gzip', 'data.jsonl.gz', gzipSync(Buffer.from(lines))],
    ['gzip of UTF-16', 'data16.jsonl.gz', gzipSync(utf16le(lines))],
  ])('%s reads the same items', async (_name, name, bytes) => {
    const input = await readInput(file(name, bytes));
    expect(input.errors).toEqual([]);
    expect(input.format).toBe('arbiter');
    expect(
      input.items.map((i) => [i.meta.sourceId, i.prompt, i.responseA, i.responseB, i.label]),
    ).toEqual([
      ['q1', 'Grüße?', 'a1 ✓', 'b1', 'A'],
      ['q2', 'p2', 'a2', 'b2', 'B'],
    ]);
  });

  test('a row of invalid UTF-8 is an error on its line, and the other rows are read', async () => {
    const bad = Buffer.concat([
      Buffer.from(`${lines}\n{"id":"q3","prompt":"`),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('","response_a":"a","response_b":"b"}\n'),
    ]);
    const input = await readInput(file('bad-utf8.jsonl', bad));
    expect(input.items.map((i) => i.meta.sourceId)).toEqual(['q1', 'q2']);
    expect(input.errors).toHaveLength(1);
    expect(input.errors[0]).toMatchObject({ line: 3, reason: expect.stringMatching(/UTF-8/) });
    expect(input.items.some((i) => i.prompt.includes('\uFFFD'))).toBe(false);
  });

  test('a binary file is refused with a reason', async () => {
    await expect(readInput(file('x.jsonl', Buffer.from('%PDF-1.4 ...')))).rejects.toThrow(/PDF/);
  });

  test('the dataset id of a UTF-8 file is what earlier versions gave it (hash of its text)', async () => {
    const input = await readInput(file('same.jsonl', Buffer.from(lines)));
    const want = createHash('sha256').update(lines, 'utf8').digest('hex').slice(0, 16);
    expect(input.dataset.id).toBe(`cli-${want}`);
  });
});
