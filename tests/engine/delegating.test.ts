// The engines that forward to another: EngineHost picks and swaps engines, LazyOpenAIEngine waits for its first load.
import { expect, test } from 'vitest';
import { EngineHost } from '../../src/lib/engine/engine-host';
import { LazyOpenAIEngine } from '../../src/lib/engine/openai-lazy';
import { ModelNotLoadedError } from '../../src/lib/engine/errors';
import type { ModelSpec } from '../../src/lib/engine/types';
import { DeterministicEngine } from '../support/deterministic-engine';

const spec = (modelId: string): ModelSpec => ({
  modelId,
  modelUrl: 'http://127.0.0.1/m/',
  modelLibUrl: 'http://127.0.0.1/m.wasm',
  contextWindow: 4096,
  thinking: false,
});
const messages = [{ role: 'user' as const, content: 'Which is better? End with [[A]] or [[B]].' }];

test('nothing loaded: generate and countTokens reject with ModelNotLoadedError', async () => {
  const host = new EngineHost([() => new DeterministicEngine()]);
  expect(host.loaded).toBeNull();
  await expect(host.generate({ messages })).rejects.toBeInstanceOf(ModelNotLoadedError);
  await expect(host.countTokens(messages)).rejects.toBeInstanceOf(ModelNotLoadedError);

  const lazy = new LazyOpenAIEngine({ endpoint: 'http://127.0.0.1:1/v1' });
  expect(lazy.kind).toBe('openai');
  expect(lazy.loaded).toBeNull();
  await expect(lazy.generate({ messages })).rejects.toBeInstanceOf(ModelNotLoadedError);
  await expect(lazy.countTokens(messages)).rejects.toBeInstanceOf(ModelNotLoadedError);
});

test('the host forwards to the engine its factories pick, and says when none can', async () => {
  const engine = new DeterministicEngine();
  const host = new EngineHost([() => null, (s) => (s.modelId === 'judge' ? engine : null)]);
  await expect(host.load(spec('nobody'))).rejects.toBeInstanceOf(ModelNotLoadedError);

  const loaded = await host.load(spec('judge'));
  expect(loaded.spec.modelId).toBe('judge');
  expect(host.loaded).toBe(engine.loaded);
  expect(host.kind).toBe('test');
  expect(await host.countTokens(messages)).toBe(await engine.countTokens(messages));
  const result = await host.generate({ messages });
  expect(result.text).toBe((await engine.generate({ messages })).text);
});

test('loading a model of another engine unloads the previous one, even when that unload fails', async () => {
  const first = new DeterministicEngine();
  const second = new DeterministicEngine();
  let unloads = 0;
  first.unload = () => {
    unloads++;
    return Promise.reject(new Error('worker gone'));
  };
  const host = new EngineHost([(s) => (s.modelId === 'one' ? first : second)]);
  await host.load(spec('one'));
  await host.load(spec('two'));
  expect(unloads).toBe(1);
  expect(host.loaded?.spec.modelId).toBe('two');

  await host.unload();
  expect(host.loaded).toBeNull();
  await expect(host.generate({ messages })).rejects.toBeInstanceOf(ModelNotLoadedError);
});
