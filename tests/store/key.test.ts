// judgmentKey: stable for equal inputs, different for any change that can change the output.
import { describe, expect, test } from 'vitest';
import { canonicalJson, judgmentKey, type JudgmentKeyInput } from '../../src/lib/store/key';

const base: JudgmentKeyInput = {
  engine: 'webllm',
  modelId: 'Qwen3-4B-q4f32_1-MLC',
  protocol: 'pairwise',
  templateId: 'j1-pairwise',
  templateVersion: 3,
  params: { temperature: 0, seed: 42, max_tokens: 1024, constrained: false },
  item: { prompt: 'Capital of France?', responseA: 'Paris', responseB: 'Lyon' },
  order: 'AB',
  sample: 0,
};

/** A two-turn conversation whose first turn is base's item and whose answer A's turns are `a`. */
function twoTurns(a: string[]): NonNullable<JudgmentKeyInput['item']['conversation']> {
  return {
    questions: ['Capital of France?', 'And its second city?'],
    answersA: a,
    answersB: ['Lyon', 'Paris'],
  };
}

describe('judgmentKey', () => {
  test('is 64 lowercase hex digits and matches a known SHA-256', async () => {
    const { sha256Hex } = await import('../../src/lib/store/key');
    expect(await sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(await judgmentKey(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('same inputs give the same key, whatever the property order', async () => {
    const reordered: JudgmentKeyInput = {
      sample: 0,
      order: 'AB',
      item: { responseB: 'Lyon', responseA: 'Paris', prompt: 'Capital of France?' },
      params: { constrained: false, max_tokens: 1024, seed: 42, temperature: 0 },
      templateVersion: 3,
      templateId: 'j1-pairwise',
      protocol: 'pairwise',
      modelId: 'Qwen3-4B-q4f32_1-MLC',
      engine: 'webllm',
    };
    expect(await judgmentKey(reordered)).toBe(await judgmentKey(base));
    expect(await judgmentKey(structuredClone(base))).toBe(await judgmentKey(base));
  });

  test('run-level counts (samples, bothOrders) and undefined fields do not change the key', async () => {
    const k = await judgmentKey(base);
    expect(
      await judgmentKey({ ...base, params: { ...base.params, samples: 5, bothOrders: false } }),
    ).toBe(k);
    expect(await judgmentKey({ ...base, item: { ...base.item, reference: undefined } })).toBe(k);
  });

  const changes: [string, (i: JudgmentKeyInput) => JudgmentKeyInput][] = [
    ['engine', (i) => ({ ...i, engine: 'openai' })],
    ['modelId', (i) => ({ ...i, modelId: 'Qwen3-8B-q4f32_1-MLC' })],
    ['protocol', (i) => ({ ...i, protocol: 'pairwise-tie' })],
    ['templateId', (i) => ({ ...i, templateId: 'mt-bench-pair' })],
    ['templateVersion', (i) => ({ ...i, templateVersion: 4 })],
    ['temperature', (i) => ({ ...i, params: { ...i.params, temperature: 0.7 } })],
    ['seed', (i) => ({ ...i, params: { ...i.params, seed: 43 } })],
    ['seed null', (i) => ({ ...i, params: { ...i.params, seed: null } })],
    ['max_tokens', (i) => ({ ...i, params: { ...i.params, max_tokens: 2048 } })],
    ['constrained', (i) => ({ ...i, params: { ...i.params, constrained: true } })],
    ['extra param', (i) => ({ ...i, params: { ...i.params, top_logprobs: 5 } })],
    ['prompt', (i) => ({ ...i, item: { ...i.item, prompt: 'Capital of France? ' } })],
    ['responseA', (i) => ({ ...i, item: { ...i.item, responseA: 'paris' } })],
    ['responseB', (i) => ({ ...i, item: { ...i.item, responseB: 'Lyon.' } })],
    [
      'swapped responses',
      (i) => ({ ...i, item: { ...i.item, responseA: 'Lyon', responseB: 'Paris' } }),
    ],
    ['reference added', (i) => ({ ...i, item: { ...i.item, reference: 'Paris' } })],
    ['rubric added', (i) => ({ ...i, item: { ...i.item, rubric: 'Be factual.' } })],
    ['empty reference', (i) => ({ ...i, item: { ...i.item, reference: '' } })],
    [
      'conversation added',
      (i) => ({ ...i, item: { ...i.item, conversation: twoTurns(['Paris', 'Lyon']) } }),
    ],
    [
      'second turn of an answer',
      (i) => ({ ...i, item: { ...i.item, conversation: twoTurns(['Paris', 'Marseille']) } }),
    ],
    ['order', (i) => ({ ...i, order: 'BA' })],
    ['sample', (i) => ({ ...i, sample: 1 })],
  ];

  test.each(changes)('changing %s changes the key', async (_name, change) => {
    expect(await judgmentKey(change(base))).not.toBe(await judgmentKey(base));
  });

  test('all changed keys are distinct from each other', async () => {
    const keys = await Promise.all(changes.map(([, c]) => judgmentKey(c(base))));
    expect(new Set(keys).size).toBe(changes.length);
  });

  test('field boundaries cannot be shifted to collide', async () => {
    const a = await judgmentKey({ ...base, item: { prompt: 'ab', responseA: 'c', responseB: '' } });
    const b = await judgmentKey({ ...base, item: { prompt: 'a', responseA: 'bc', responseB: '' } });
    expect(a).not.toBe(b);
  });
});

describe('canonicalJson', () => {
  test('sorts keys deeply and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,1]},"b":1}',
    );
  });

  test('refuses non-finite numbers instead of turning them into null', () => {
    expect(() => canonicalJson({ t: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson([Infinity])).toThrow(TypeError);
  });
});

describe('useSyncSha256 (the CLI hashes with node:crypto)', () => {
  test('gives the same keys as WebCrypto, for any text', async () => {
    const { createHash } = await import('node:crypto');
    const { sha256Hex, useSyncSha256 } = await import('../../src/lib/store/key');
    const texts = ['', 'abc', 'Ünïcødé 日本語 🙂', 'x'.repeat(100_000)];
    const web = await Promise.all(texts.map((t) => sha256Hex(t)));
    const input: JudgmentKeyInput = {
      engine: 'openai',
      modelId: 'm',
      templateId: 'j1-pairwise',
      templateVersion: 1,
      params: { temperature: 0, seed: 42, max_tokens: 1024 },
      item: { prompt: 'p 🙂', responseA: 'a', responseB: 'b' },
      order: 'BA',
      sample: 0,
    };
    const webKey = await judgmentKey(input);
    let calls = 0;
    useSyncSha256((t) => {
      calls++;
      return createHash('sha256').update(t, 'utf8').digest('hex');
    });
    try {
      expect(await Promise.all(texts.map((t) => sha256Hex(t)))).toEqual(web);
      expect(await judgmentKey(input)).toBe(webKey);
      expect(calls).toBe(texts.length + 1);
    } finally {
      useSyncSha256(null);
    }
  });
});
