// The worker-side host with a stand-in MLCEngine: streaming, usage, logprobs, abort, token counting, error replies.
import { describe, expect, it, vi } from 'vitest';
import type { WorkerReply } from '../../src/lib/engine/protocol';
import type { ModelSpec } from '../../src/lib/engine/types';
import { WebLLMHost } from '../../src/lib/engine/webllm-host';

const spec: ModelSpec = {
  modelId: 'M',
  modelUrl: 'https://e.org/M/',
  modelLibUrl: 'https://e.org/M.wasm',
  contextWindow: 4096,
  thinking: false,
};

const lp = (token: string) => ({
  token,
  logprob: -0.1,
  bytes: null,
  top_logprobs: [{ token, logprob: -0.1, bytes: null }],
});

/** Stands in for web-llm's Conversation: the same methods, a trivial template "<role>text". */
class FakeConversation {
  override_system_message?: string;
  messages: [string, string | undefined][] = [];
  constructor(public config: { system_prefix_token_ids?: number[] }) {}
  appendMessage(role: string, text: string) {
    this.messages.push([role, text]);
  }
  appendReplyHeader(role: string) {
    this.messages.push([role, undefined]);
  }
  getPromptArray() {
    const sys = this.override_system_message ? [`<system>${this.override_system_message}`] : [];
    return [...sys, ...this.messages.map(([r, t]) => `<${r}>${t ?? ''}`)];
  }
}

function hostWith(chunks: object[], opts: { gate?: Promise<void>; atGate?: () => void } = {}) {
  const replies: WorkerReply[] = [];
  const host = new WebLLMHost((r) => replies.push(r));
  const interruptGenerate = vi.fn(async () => {});
  const pipeline = {
    // One token per whitespace-separated word.
    tokenizer: { encode: (s: string) => s.split(/\s+/).filter(Boolean) },
    config: {},
    getConversationObject: () => new FakeConversation({ system_prefix_token_ids: [1] }),
    getTokenLogprobArray: () => [lp('<'), lp('A'), lp('>')],
  };
  const engine = {
    loadedModelIdToPipeline: new Map([['M', pipeline]]),
    interruptGenerate,
    async chatCompletion() {
      return (async function* () {
        for (const c of chunks) {
          opts.atGate?.();
          if (opts.gate) await opts.gate;
          yield c;
        }
      })();
    },
  };
  Object.assign(host as object, { engine, spec });
  return { host, replies, interruptGenerate };
}

const delta = (content: string, logprobs = [lp(content)]) => ({
  choices: [{ delta: { content }, finish_reason: null, logprobs: { content: logprobs } }],
});
const usageChunk = {
  choices: [],
  usage: {
    prompt_tokens: 12,
    completion_tokens: 3,
    total_tokens: 15,
    extra: {
      e2e_latency_s: 1,
      prefill_tokens_per_s: 120,
      decode_tokens_per_s: 3,
      time_to_first_token_s: 0.1,
      time_per_output_token_s: 0.3,
    },
  },
};

describe('WebLLMHost', () => {
  it.each([
    ['web-llm reports one token fewer than it streamed', 1, 2],
    ['web-llm reports more than it streamed (a chunk held back)', 3, 3],
  ])('output tokens: %s', async (_name, reported, expected) => {
    const { host, replies } = hostWith([
      delta('<'),
      delta('A'),
      { choices: [{ delta: {}, finish_reason: 'stop' }] },
      { ...usageChunk, usage: { ...usageChunk.usage, completion_tokens: reported } },
    ]);
    await host.handle({
      kind: 'generate',
      id: 3,
      req: { messages: [{ role: 'user', content: 'q' }] },
    });
    expect(replies.at(-1)).toMatchObject({
      kind: 'result',
      value: { usage: { completionTokens: expected } },
    });
  });

  it('streams tokens and answers with text, usage, finish reason and all logprobs', async () => {
    const { host, replies } = hostWith([
      delta('<'),
      delta('A'),
      { choices: [{ delta: {}, finish_reason: 'stop' }] },
      usageChunk,
    ]);
    await host.handle({
      kind: 'generate',
      id: 7,
      req: { messages: [{ role: 'user', content: 'q' }], logprobs: true, top_logprobs: 2 },
    });
    expect(replies.filter((r) => r.kind === 'token')).toEqual([
      // The first token goes at once; the rest of a fast burst is joined and sent before the result.
      { kind: 'token', id: 7, delta: '<', tokens: 1 },
      { kind: 'token', id: 7, delta: 'A', tokens: 1 },
    ]);
    const result = replies.at(-1);
    expect(result).toMatchObject({
      kind: 'result',
      id: 7,
      value: {
        text: '<A',
        finishReason: 'stop',
        usage: { promptTokens: 12, decodeTokensPerS: 3, timeToFirstTokenMs: 100 },
      },
    });
    // The pipeline's array wins over the streamed one: it also holds tokens whose chunks were skipped.
    expect(
      (result as { value: { logprobs: { token: string }[] } }).value.logprobs.map((t) => t.token),
    ).toEqual(['<', 'A', '>']);
  });

  it.each([
    // No one watches (a batch run): no token messages, only the result.
    ['stream: false', false as const, []],
    // Someone watches: the first token at once, the rest of the burst before the result.
    ['a pace', { minChars: 400, maxWaitMs: 2000 }, ['<', 'A']],
  ])(
    '%s decides the token messages; the result is whole either way',
    async (_n, stream, deltas) => {
      const { host, replies } = hostWith([delta('<'), delta('A'), usageChunk]);
      await host.handle({
        kind: 'generate',
        id: 8,
        req: { messages: [{ role: 'user', content: 'q' }] },
        stream,
      });
      expect(replies.filter((r) => r.kind === 'token').map((r) => r.delta)).toEqual(deltas);
      expect(replies.at(-1)).toMatchObject({ kind: 'result', id: 8, value: { text: '<A' } });
    },
  );

  it('an abort during streaming interrupts web-llm and answers AbortedError with the partial text', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let atGate!: () => void;
    const streaming = new Promise<void>((r) => (atGate = r));
    const { host, replies, interruptGenerate } = hostWith([delta('x'), usageChunk], {
      gate,
      atGate,
    });
    const done = host.handle({
      kind: 'generate',
      id: 3,
      req: { messages: [{ role: 'user', content: 'q' }] },
    });
    // The generation is under way (its stream is waiting for the next chunk) when the abort comes.
    await streaming;
    await host.handle({ kind: 'abort', id: 4, target: 3 });
    expect(interruptGenerate).toHaveBeenCalledOnce();
    open();
    await done;
    expect(replies.at(-1)).toMatchObject({
      kind: 'error',
      id: 3,
      error: { name: 'AbortedError', detail: { partialText: 'x' } },
    });
  });

  it('counts tokens with the model’s template and tokenizer, including the system prefix', async () => {
    const { host, replies } = hostWith([]);
    await host.handle({
      kind: 'countTokens',
      id: 1,
      messages: [
        { role: 'system', content: 'be fair' },
        { role: 'user', content: 'which is better' },
      ],
    });
    // [1] + "<system>be fair" (2) + "<user>which is better" (3) + "<assistant>" (1)
    expect(replies.at(-1)).toEqual({ kind: 'result', id: 1, value: { count: 7, exact: true } });
  });

  it('falls back to the estimate when the internals are not there', async () => {
    const { host, replies } = hostWith([]);
    Object.assign(host as object, { engine: { loadedModelIdToPipeline: new Map() } });
    await host.handle({
      kind: 'countTokens',
      id: 2,
      messages: [{ role: 'user', content: 'x'.repeat(35) }],
    });
    expect(replies.at(-1)).toEqual({ kind: 'result', id: 2, value: { count: 16, exact: false } });
  });

  it('answers ModelNotLoadedError when nothing is loaded', async () => {
    const replies: WorkerReply[] = [];
    await new WebLLMHost((r) => replies.push(r)).handle({
      kind: 'generate',
      id: 1,
      req: { messages: [] },
    });
    expect(replies).toEqual([
      { kind: 'error', id: 1, error: expect.objectContaining({ name: 'ModelNotLoadedError' }) },
    ]);
  });
});
