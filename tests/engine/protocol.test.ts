// Errors keep their class across the worker boundary, and WebLLMEngine's request bookkeeping (ids, stale replies, crash, abort).
import { describe, expect, it } from 'vitest';
import * as errors from '../../src/lib/engine/errors';
import { EngineError, deserializeError, serializeError } from '../../src/lib/engine/errors';
import { isWorkerReply, type WorkerReply, type WorkerRequest } from '../../src/lib/engine/protocol';
import { WebLLMEngine, type WorkerLike } from '../../src/lib/engine/webllm-engine';
import type { LoadProgress, ModelSpec } from '../../src/lib/engine/types';

const errorClasses = (Object.values(errors) as unknown[]).filter(
  (v): v is new (m?: string, d?: Record<string, unknown>) => EngineError =>
    typeof v === 'function' && v.prototype instanceof EngineError,
);

describe('errors across postMessage', () => {
  it('covers every named error class', () => {
    expect(errorClasses.length).toBeGreaterThanOrEqual(11);
  });

  it.each(errorClasses.map((C) => [C.name, C] as const))(
    '%s keeps class, message, hint and detail',
    (_n, C) => {
      const original = new C('custom message', { url: 'https://x/y', n: 3 });
      // structuredClone is what postMessage does to the payload.
      const back = deserializeError(structuredClone(serializeError(original)));
      expect(back).toBeInstanceOf(C);
      expect(back.name).toBe(original.name);
      expect(back.message).toBe('custom message');
      expect(back.hint).toBe(original.hint);
      expect(back.detail).toEqual({ url: 'https://x/y', n: 3 });
    },
  );

  it('keeps the name of an unknown error and makes it an EngineError', () => {
    const back = deserializeError(serializeError(new TypeError('boom')));
    expect(back).toBeInstanceOf(EngineError);
    expect(back.name).toBe('TypeError');
    expect(back.message).toBe('boom');
  });
});

/** A scripted worker: records requests; the test answers as the worker would. */
class FakeWorker implements WorkerLike {
  sent: WorkerRequest[] = [];
  terminated = false;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;
  onerror: ((ev: ErrorEvent) => unknown) | null = null;
  onmessageerror: ((ev: MessageEvent) => unknown) | null = null;
  postMessage(m: WorkerRequest) {
    this.sent.push(structuredClone(m));
  }
  terminate() {
    this.terminated = true;
  }
  reply(r: WorkerReply) {
    this.onmessage?.({ data: structuredClone(r) } as MessageEvent);
  }
  crash(message: string) {
    this.onerror?.({
      message,
      filename: 'w.js',
      lineno: 1,
      preventDefault() {},
    } as unknown as ErrorEvent);
  }
  last(): WorkerRequest {
    const m = this.sent.at(-1);
    if (!m) throw new Error('nothing sent');
    return m;
  }
}

const spec: ModelSpec = {
  modelId: 'M-q4f32_1-MLC',
  modelUrl: 'https://example.org/M/',
  modelLibUrl: 'https://example.org/M.wasm',
  contextWindow: 4096,
  thinking: false,
};

function setup() {
  const workers: FakeWorker[] = [];
  const engine = new WebLLMEngine(() => {
    const w = new FakeWorker();
    workers.push(w);
    return w;
  });
  return { engine, workers, w: () => workers.at(-1)! };
}

const usage = {
  promptTokens: 1,
  completionTokens: 1,
  prefillTokensPerS: null,
  decodeTokensPerS: null,
  timeToFirstTokenMs: null,
  totalMs: 1,
};

async function loaded() {
  const s = setup();
  const p = s.engine.load(spec);
  s.w().reply({ kind: 'result', id: s.w().last().id, value: { loadMs: 5 } });
  await p;
  return s;
}

describe('WebLLMEngine over a worker', () => {
  it('forwards progress and resolves the load with its result', async () => {
    const { engine, w } = setup();
    const seen: LoadProgress[] = [];
    const p = engine.load(spec, { onProgress: (x) => seen.push(x) });
    const req = w().last();
    expect(req).toMatchObject({ kind: 'load', spec });
    const prog: LoadProgress = {
      phase: 'downloading',
      fraction: 0.5,
      loadedBytes: 1,
      totalBytes: 2,
      elapsedMs: 3,
      etaMs: 3,
      text: 't',
    };
    w().reply({ kind: 'progress', id: req.id, progress: prog });
    w().reply({ kind: 'result', id: req.id, value: { loadMs: 42 } });
    await expect(p).resolves.toEqual({ spec, loadMs: 42 });
    expect(seen).toEqual([prog]);
    expect(engine.loaded?.spec.modelId).toBe(spec.modelId);
  });

  it('rebuilds the worker’s error with its class', async () => {
    const { engine, w } = setup();
    const p = engine.load(spec);
    w().reply({
      kind: 'error',
      id: w().last().id,
      error: { name: 'NetworkError', message: 'Failed to fetch', detail: { url: 'u' } },
    });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errors.NetworkError);
    expect(engine.loaded).toBeNull();
  });

  it('drops replies whose id is not pending, and replies meant for another request', async () => {
    const { engine, w } = await loaded();
    const tokens: string[] = [];
    const p = engine.generate(
      { messages: [{ role: 'user', content: 'hi' }] },
      { onToken: (d) => tokens.push(d.text) },
    );
    const id = w().last().id;
    w().reply({ kind: 'token', id: id + 100, delta: 'x', tokens: 1 });
    w().reply({ kind: 'result', id: id - 1, value: 'stale' });
    w().reply({ kind: 'token', id, delta: 'A', tokens: 1 });
    w().reply({ kind: 'token', id, delta: 'B', tokens: 1 });
    w().reply({
      kind: 'result',
      id,
      value: { text: 'AB', usage, logprobs: null, finishReason: 'stop' },
    });
    await expect(p).resolves.toMatchObject({ text: 'AB' });
    // Tokens carry only deltas; the client builds the text.
    expect(tokens).toEqual(['A', 'AB']);
  });

  it.each([
    // A batch run watches no tokens: the worker is asked for none (each would cost the page).
    ['no onToken', false, {}],
    ['onToken, no pace', undefined, { onToken: () => {} }],
    [
      'onToken and a pace',
      { minChars: 600, maxWaitMs: 2000 },
      { onToken: () => {}, pace: { minChars: 600, maxWaitMs: 2000 } },
    ],
    // A pace without anyone watching changes nothing: still no tokens.
    ['a pace, no onToken', false, { pace: { minChars: 1, maxWaitMs: 1 } }],
  ])('generate with %s asks the worker for stream = %j', async (_n, stream, opts) => {
    const { engine, w } = await loaded();
    void engine.generate({ messages: [{ role: 'user', content: 'a' }] }, opts).catch(() => {});
    const sent = w().last() as { kind: string; stream?: unknown };
    expect(sent.kind).toBe('generate');
    expect('stream' in sent).toBe(stream !== undefined);
    expect(sent.stream).toEqual(stream);
  });

  it('rejects every pending call with EngineCrashedError when the worker dies, then starts a fresh worker', async () => {
    const { engine, workers, w } = await loaded();
    const a = engine.generate({ messages: [{ role: 'user', content: 'a' }] });
    const b = engine.countTokens([{ role: 'user', content: 'b' }]);
    w().crash('out of memory');
    await expect(a).rejects.toBeInstanceOf(errors.EngineCrashedError);
    await expect(b).rejects.toBeInstanceOf(errors.EngineCrashedError);
    expect(workers[0]!.terminated).toBe(true);
    expect(engine.loaded).toBeNull();
    void engine.device().catch(() => {});
    expect(workers).toHaveLength(2);
  });

  it('aborting a generation rejects at once, tells the worker, and ignores its late reply', async () => {
    const { engine, w } = await loaded();
    const ctl = new AbortController();
    const p = engine.generate(
      { messages: [{ role: 'user', content: 'a' }] },
      { signal: ctl.signal },
    );
    const id = w().last().id;
    ctl.abort();
    await expect(p).rejects.toBeInstanceOf(errors.AbortedError);
    expect(w().last()).toMatchObject({ kind: 'abort', target: id });
    expect(() => w().reply({ kind: 'result', id, value: {} })).not.toThrow();
    expect(w().terminated).toBe(false);
  });

  it('aborting a load terminates the worker', async () => {
    const { engine, workers } = setup();
    const ctl = new AbortController();
    const p = engine.load(spec, { signal: ctl.signal });
    ctl.abort();
    await expect(p).rejects.toBeInstanceOf(errors.AbortedError);
    expect(workers[0]!.terminated).toBe(true);
  });

  it('refuses to generate or count before a model is loaded, without bothering the worker', async () => {
    const { engine, workers } = setup();
    await expect(engine.generate({ messages: [] })).rejects.toBeInstanceOf(
      errors.ModelNotLoadedError,
    );
    await expect(engine.countTokens([])).rejects.toBeInstanceOf(errors.ModelNotLoadedError);
    expect(workers).toHaveLength(0);
  });
});

describe('isWorkerReply', () => {
  it.each([
    [{ kind: 'result', id: 1, value: 1 }, true],
    [{ kind: 'progress', id: 1, progress: {} }, true],
    [{ kind: 'result', id: '1' }, false],
    [{ kind: 'hello', id: 1 }, false],
    [null, false],
    ['result', false],
  ])('%j → %s', (data, ok) => expect(isWorkerReply(data)).toBe(ok));
});
