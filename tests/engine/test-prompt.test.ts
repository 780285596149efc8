// The Models page's test prompt against the deterministic engine: what it asks, what it streams, what it measures, and a cancel.
import { describe, expect, test } from 'vitest';
import { AbortedError } from '../../src/lib/engine/errors';
import { runTestPrompt, TEST_PROMPT } from '../../src/lib/engine/test-prompt';
import type { ModelSpec } from '../../src/lib/engine/types';
import { DeterministicEngine } from '../support/deterministic-engine';

const spec: ModelSpec = {
  modelId: 'test-judge',
  modelUrl: 'https://example.org/m/',
  modelLibUrl: 'https://example.org/m.wasm',
  contextWindow: 4096,
  thinking: false,
};

describe('runTestPrompt', () => {
  test('asks a short question, streams the answer and reports its speed', async () => {
    const engine = new DeterministicEngine({ respond: () => 'A good answer is right and clear.' });
    const streamed: string[] = [];
    const r = await runTestPrompt(engine, spec, new AbortController().signal, (t) =>
      streamed.push(t),
    );
    expect(engine.requests[0]).toMatchObject({
      messages: [{ role: 'user', content: TEST_PROMPT }],
      max_tokens: 64,
      seed: 1,
    });
    expect(engine.requests[0]).not.toHaveProperty('enable_thinking');
    expect(r.text).toBe('A good answer is right and clear.');
    expect(streamed.at(-1)).toBe(r.text);
    expect(r.completionTokens).toBeGreaterThan(0);
    expect(r).toHaveProperty('decodeTokensPerS');
  });

  test('a thinking model is asked not to think', async () => {
    const engine = new DeterministicEngine({ respond: () => 'Short.' });
    await runTestPrompt(
      engine,
      { ...spec, thinking: true },
      new AbortController().signal,
      () => undefined,
    );
    expect(engine.requests[0]).toMatchObject({ enable_thinking: false });
  });

  test('an aborted prompt rejects with AbortedError', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(
      runTestPrompt(new DeterministicEngine(), spec, abort.signal, () => undefined),
    ).rejects.toBeInstanceOf(AbortedError);
  });
});
