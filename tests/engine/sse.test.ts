// The SSE line parser: line endings, comments, multi-line data, split chunks, unknown fields.
import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/lib/engine/sse';

function all(chunks: string[]): { data: string[]; parser: SseParser } {
  const p = new SseParser();
  const data = chunks
    .flatMap((c) => p.push(c))
    .concat(p.end())
    .map((e) => e.data);
  return { data, parser: p };
}

describe('SseParser', () => {
  it.each([
    ['LF', ['data: a\n\ndata: b\n\n'], ['a', 'b']],
    ['CRLF', ['data: a\r\n\r\ndata: b\r\n\r\n'], ['a', 'b']],
    ['CR only', ['data: a\r\rdata: b\r\r'], ['a', 'b']],
    ['CRLF split across chunks', ['data: a\r', '\n\r', '\ndata: b\r\n\r\n'], ['a', 'b']],
    ['one byte at a time', [...'data: x\n\ndata: y\n\n'], ['x', 'y']],
    ['multi-line data joined by LF', ['data: one\ndata: two\n\n'], ['one\ntwo']],
    ['no space after colon', ['data:a\n\n'], ['a']],
    ['only first space stripped', ['data:  a\n\n'], [' a']],
    ['comments skipped', [': keep-alive\n\ndata: a\n\n:ping\n\n'], ['a']],
    ['event and id fields', ['event: x\nid: 7\ndata: a\n\n'], ['a']],
    ['last event without blank line', ['data: a\n\ndata: tail'], ['a', 'tail']],
    ['[DONE] is just data', ['data: [DONE]\n\n'], ['[DONE]']],
  ])('%s', (_name, chunks, expected) => {
    expect(all(chunks).data).toEqual(expected);
  });

  it('counts lines with unknown fields as malformed and keeps going', () => {
    const { data, parser } = all(['garbage line\ndata: a\n\nnot-a-field: 1\n\ndata: b\n\n']);
    expect(data).toEqual(['a', 'b']);
    expect(parser.malformedLines).toBe(2);
  });

  it('counts comments', () => {
    const { parser } = all([': a\n: b\ndata: x\n\n']);
    expect(parser.comments).toBe(2);
  });
});

describe('SseParser on big events', () => {
  // One 1 MB data line split into 1 kB chunks, then 1,000 small events of the same total size.
  const big = 'x'.repeat(1 << 20);
  const frame = `data: ${big}\n\n`;
  const pieces = (s: string, n: number) =>
    Array.from({ length: Math.ceil(s.length / n) }, (_, i) => s.slice(i * n, (i + 1) * n));

  it.each([
    ['one event in 1 kB chunks', pieces(frame, 1024), [big]],
    [
      'the same bytes as 1,024 small events',
      pieces(Array.from({ length: 1024 }, () => `data: ${'x'.repeat(1024)}\n\n`).join(''), 1024),
      Array.from({ length: 1024 }, () => 'x'.repeat(1024)),
    ],
    ['a CRLF split right after a long line', [...pieces(`data: ${big}\r`, 4096), '\n\r\n'], [big]],
  ])('%s: right data, each character examined once', (_name, chunks, expected) => {
    const { data, parser } = all(chunks);
    expect(data).toEqual(expected);
    // Linear: a parser that re-scanned its buffer on every chunk examined ~n²/2 characters here.
    expect(parser.scanned).toBeLessThanOrEqual(chunks.join('').length);
  });
});
