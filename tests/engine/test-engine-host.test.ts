// The e2e build's test engine behind protocol.ts: the real WebLLMEngine client drives it through cloned messages.
import { expect, it } from 'vitest';
import type { WorkerReply, WorkerRequest } from '../../src/lib/engine/protocol';
import type { ModelSpec } from '../../src/lib/engine/types';
import { WebLLMEngine, type WorkerLike } from '../../src/lib/engine/webllm-engine';
import { TestEngineHost } from '../e2e/support/test-engine-host';

/** A worker pair in one process: every message is structured-cloned and delivered as its own task, like postMessage. */
function inProcessWorker(sent: WorkerRequest[], tps = 0): WorkerLike {
  const w: WorkerLike = {
    onmessage: null,
    onerror: null,
    onmessageerror: null,
    postMessage(m) {
      sent.push(m);
      const copy = structuredClone(m);
      setTimeout(() => void host.handle(copy));
    },
    terminate() {},
  };
  const host = new TestEngineHost(
    (r: WorkerReply) => {
      const copy = structuredClone(r);
      setTimeout(() => w.onmessage?.({ data: copy } as MessageEvent));
    },
    { tokensPerSecond: tps, outputTokens: 0, loadMs: 0 },
  );
  return w;
}

const spec: ModelSpec = {
  modelId: 'arbiter-test-judge',
  modelUrl: 'http://127.0.0.1/m/',
  modelLibUrl: 'http://127.0.0.1/m.wasm',
  contextWindow: 4096,
  thinking: true,
};
const req = {
  messages: [{ role: 'user' as const, content: 'Which is better? End with [[A]] or [[B]].' }],
};

it('loads with progress, streams deltas the client joins into text, and reports usage', async () => {
  const sent: WorkerRequest[] = [];
  const engine = new WebLLMEngine(() => inProcessWorker(sent), 'test');
  expect(engine.kind).toBe('test');
  const phases: string[] = [];
  await engine.load(spec, { onProgress: (p) => phases.push(p.phase) });
  expect(phases.at(-1)).toBe('ready');
  const texts: string[] = [];
  let tokens = 0;
  const res = await engine.generate(req, {
    onToken: (t) => {
      texts.push(t.text);
      tokens += t.tokens ?? 1;
    },
  });
  expect(res.text).toMatch(/^<think>.*<\/think>\n\n.*\[\[A\]\]$/s);
  // Deltas may be joined per frame, but every token arrives, before the result.
  expect(tokens).toBe(res.usage.completionTokens);
  expect(texts.length).toBeGreaterThan(0);
  expect(texts.length).toBeLessThanOrEqual(tokens);
  expect(texts.at(-1)).toBe(res.text);
  expect(sent.map((m) => m.kind)).toEqual(['load', 'generate']);
  expect(await engine.countTokens(req.messages)).toBeGreaterThan(5);
});

it('needs a loaded model, like web-llm', async () => {
  const engine = new WebLLMEngine(() => inProcessWorker([]), 'test');
  await expect(engine.generate(req)).rejects.toMatchObject({ name: 'ModelNotLoadedError' });
});

it('an abort crosses the worker and stops the stream', async () => {
  const sent: WorkerRequest[] = [];
  const engine = new WebLLMEngine(() => inProcessWorker(sent, 200), 'test');
  await engine.load(spec);
  const ctl = new AbortController();
  let tokens = 0;
  const p = engine.generate(req, {
    signal: ctl.signal,
    onToken: () => {
      if (++tokens === 2) ctl.abort();
    },
  });
  await expect(p).rejects.toMatchObject({ name: 'AbortedError' });
  expect(sent.at(-1)).toMatchObject({ kind: 'abort' });
  // A whole generation on the same worker afterwards: a stream the abort had not stopped would
  // have delivered more tokens by its end.
  await engine.generate(req);
  expect(tokens).toBe(2);
});
