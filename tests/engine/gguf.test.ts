// GGUF header checks, split ordering, the verdict grammar and llama.cpp's thread count, table-driven.
import { describe, expect, it } from 'vitest';
import { canRunHere, noWebGPU } from '../../src/lib/engine/device';
import { jsonSchemaToGbnf } from '../../src/lib/engine/gbnf';
import { orderSplitParts, readGgufInfo } from '../../src/lib/engine/gguf';
import { ggufModelId, looksLikeGguf } from '../../src/lib/engine/gguf-files';
import { threadCount } from '../../src/lib/engine/wllama-host';
import { tinyVocab, writeTinyGguf } from '../support/gguf-writer';

const blob = (b: Uint8Array) => new Blob([b as BlobPart]);

describe('readGgufInfo', () => {
  it('reads what the writer wrote', async () => {
    const bytes = writeTinyGguf({ contextLength: 2048, name: 'judge' });
    const info = await readGgufInfo(blob(bytes), 'judge.gguf');
    // Size by hand: 2 layers of dim 64, ff 128, the vocabulary, all F32, data after the header.
    const v = tinyVocab().tokens.length;
    const weights = 4 * (2 * 64 * v + 64 + 2 * (2 * 64 + 4 * 64 * 64 + 3 * 64 * 128));
    expect(info).toMatchObject({
      version: 3,
      architecture: 'llama',
      name: 'judge',
      contextLength: 2048,
      tensorCount: 2 + 1 + 2 * 9,
      split: { no: 1, count: 1 },
      fileBytes: bytes.length,
      expectedBytes: bytes.length,
    });
    expect(bytes.length - weights).toBeGreaterThan(0);
    expect(bytes.length - weights).toBeLessThan(64 * 1024);
    expect(info.chatTemplate).toMatch(/im_start/);
  });

  const good = writeTinyGguf();
  const cases: [string, Uint8Array, string][] = [
    ['an empty file', new Uint8Array(0), 'NotGgufError'],
    ['text', new TextEncoder().encode('hello, not a model at all'), 'NotGgufError'],
    ['a file cut in its data', good.slice(0, good.length - 1), 'GgufTruncatedError'],
    ['a file cut in its header', good.slice(0, 200), 'GgufTruncatedError'],
    [
      'an unknown architecture',
      writeTinyGguf({ architecture: 'nope' }),
      'UnsupportedArchitectureError',
    ],
  ];
  it.each(cases)('refuses %s with a named error', async (_, bytes, name) => {
    await expect(readGgufInfo(blob(bytes), 'x.gguf')).rejects.toMatchObject({ name });
  });

  it('refuses GGUF version 1', async () => {
    const v1 = good.slice();
    new DataView(v1.buffer).setUint32(4, 1, true);
    await expect(readGgufInfo(blob(v1), 'old.gguf')).rejects.toMatchObject({
      name: 'NotGgufError',
    });
  });
});

describe('orderSplitParts', () => {
  const part = async (no: number, count: number) => ({
    file: { path: `m-0000${no + 1}-of-0000${count}.gguf` },
    info: await readGgufInfo(blob(writeTinyGguf({ split: { no, count } })), 'p'),
  });
  it('orders the parts by split.no whatever order they were picked in', async () => {
    const parts = [await part(2, 3), await part(0, 3), await part(1, 3)];
    expect(orderSplitParts(parts).map((f) => f.path)).toEqual([
      'm-00001-of-00003.gguf',
      'm-00002-of-00003.gguf',
      'm-00003-of-00003.gguf',
    ]);
  });
  it('names the first missing part', async () => {
    const parts = [await part(0, 3), await part(2, 3)];
    expect(() => orderSplitParts(parts)).toThrow(/Part 2 of 3/);
  });
});

describe('GGUF file names', () => {
  it.each([
    ['qwen2.5-0.5b-instruct-q4_k_m.gguf', 'qwen2.5-0.5b-instruct-q4_k_m'],
    ['dir/Model Q4-00001-of-00002.gguf', 'Model-Q4'],
    ['sha256-abc', 'sha256-abc'],
  ])('%s → id %s', (file, id) => expect(ggufModelId(file)).toBe(id));

  it.each([
    [['a.gguf'], true],
    [['a-00001-of-00002.gguf', 'a-00002-of-00002.gguf'], true],
    [['sha256-0123'], true],
    [['mlc-chat-config.json', 'lib.wasm'], false],
    [['pack.tar'], false],
  ])('%j looks like GGUF: %s', (paths, yes) =>
    expect(looksLikeGguf(paths.map((path) => ({ path, size: 1, blob: () => new Blob() })))).toBe(
      yes,
    ),
  );
});

describe('jsonSchemaToGbnf', () => {
  const schema = JSON.stringify({
    type: 'object',
    properties: {
      reasoning: { type: 'string' },
      verdict: { type: 'string', enum: ['A', 'B', 'tie'] },
    },
    required: ['reasoning', 'verdict'],
  });
  it('writes the properties in order, the enum as literals, and caps the reasoning', () => {
    const g = jsonSchemaToGbnf(schema, 1024) ?? '';
    expect(g).toContain(
      'root ::= "{" ws "\\"reasoning\\"" ws ":" ws str ws "," ws "\\"verdict\\"" ws ":" ws ("\\"A\\"" | "\\"B\\"" | "\\"tie\\"") ws "}"',
    );
    // (1024 - 48) / 4 characters: even at 4 tokens a character the verdict still fits.
    expect(g).toContain('char{0,244}');
  });
  it.each([
    [
      JSON.stringify({ type: 'object', properties: { score: { type: 'integer', enum: [1, 2] } } }),
      64,
      '("1" | "2")',
    ],
    [JSON.stringify({ type: 'object', properties: { r: { type: 'string' } } }), 40, 'char{0,0}'],
  ])('%s with %i tokens → %s', (s, max, part) => expect(jsonSchemaToGbnf(s, max)).toContain(part));
  it.each([
    ['not json'],
    [JSON.stringify({ type: 'array' })],
    [JSON.stringify({ type: 'object', properties: { x: { type: 'array' } } })],
  ])('gives null for %s (no constraint rather than a wrong one)', (s) =>
    expect(jsonSchemaToGbnf(s, 100)).toBeNull(),
  );
});

describe('threads and engines', () => {
  it.each([
    [false, 8, 1],
    [true, 1, 1],
    [true, 2, 1],
    [true, 4, 3],
    [true, 32, 8],
  ])('isolated %s with %i cores → %i threads', (iso, cores, n) =>
    expect(threadCount(iso, cores)).toBe(n),
  );
  it.each([
    [{}, null, true],
    [{}, noWebGPU('none'), false],
    [{ engine: 'webllm' }, noWebGPU('none'), false],
    [{ engine: 'wllama' }, noWebGPU('none'), true],
    [{ engine: 'openai' }, noWebGPU('none'), true],
  ])('%j on %j can run: %s', (spec, device, yes) => expect(canRunHere(spec, device)).toBe(yes));
});
