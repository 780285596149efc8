// The OpenAI-compatible engine against a real local HTTP server: streaming, logprobs, schema, errors, retries.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAIEngine, openaiModelSpec } from '../../src/lib/engine/openai-engine';
import {
  AbortedError,
  ContextWindowExceededError,
  RateLimitError,
  ServerAuthError,
  ServerError,
  ServerTimeoutError,
  ServerUnreachableError,
  StreamDroppedError,
} from '../../src/lib/engine/errors';
import { parseEndpoint, retryAfterMs } from '../../src/lib/engine/openai-http';
import { probeServer } from '../../src/lib/engine/openai-probe';
import { runPool } from '../../src/lib/run/pool';
import { judgeItem, getTemplate } from '../../src/lib/judge';
import { startOpenAIServer, type Reply, type TestServer } from '../support/openai-server';
import { createNodeFetch } from '../../cli/node-fetch';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const msgs = [{ role: 'user' as const, content: 'Which is better?' }];
const fast = { baseMs: 5, maxMs: 50 };

async function engineFor(
  handler: (n: number) => Reply,
  extra: Partial<ConstructorParameters<typeof OpenAIEngine>[0]> = {},
  serverOpts: Parameters<typeof startOpenAIServer>[0] = {},
) {
  server = await startOpenAIServer({ ...serverOpts, handler: (_r, n) => handler(n) });
  const engine = new OpenAIEngine({
    endpoint: server.url,
    backoff: fast,
    ...(currentFetch ? { fetch: currentFetch } : {}),
    ...extra,
  });
  await engine.load(openaiModelSpec(server.url, 'test-judge'));
  return engine;
}

describe('endpoint parsing', () => {
  it.each([
    ['http://h:8000', 'http://h:8000/v1', 'http://h:8000'],
    ['http://h:8000/', 'http://h:8000/v1', 'http://h:8000'],
    ['http://h:8000/v1', 'http://h:8000/v1', 'http://h:8000'],
    ['http://h:8000/v1/', 'http://h:8000/v1', 'http://h:8000'],
    ['https://x.example/proxy/v1?x=1', 'https://x.example/proxy/v1', 'https://x.example/proxy'],
  ])('%s', (input, v1, root) => {
    expect(parseEndpoint(input)).toEqual({ v1, root });
  });
  it('refuses non-http URLs and text', () => {
    expect(() => parseEndpoint('ftp://h')).toThrow(ServerError);
    expect(() => parseEndpoint('localhost:8000')).toThrow(ServerError);
  });
  it('reads Retry-After in seconds and as a date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs(null)).toBeNull();
  });
});

let currentFetch: typeof fetch | undefined;

// The browser path (global fetch) and the CLI's node:http fetch must behave the same.
describe.each([
  ['global fetch', undefined],
  ['the CLI node:http fetch', createNodeFetch()],
])('OpenAIEngine against a real server, %s', (_name, impl) => {
  beforeEach(() => {
    currentFetch = impl;
  });
  it('streams tokens over SSE and returns text, usage and finish reason', async () => {
    const engine = await engineFor(() => ({ text: 'Answer A is better. [[A]]', delayMs: 2 }));
    const seen: string[] = [];
    const r = await engine.generate(
      { messages: msgs, max_tokens: 50, temperature: 0, seed: 3 },
      { onToken: (d) => seen.push(d.delta) },
    );
    expect(r.text).toBe('Answer A is better. [[A]]');
    expect(seen.join('')).toBe(r.text);
    expect(seen.length).toBe(5);
    expect(r.finishReason).toBe('stop');
    expect(r.usage.completionTokens).toBe(5);
    expect(r.usage.promptTokens).toBeGreaterThan(0);
    expect(r.usage.timeToFirstTokenMs).not.toBeNull();
    const body = server!.requests.at(-1)!.body!;
    expect(body).toMatchObject({
      model: 'test-judge',
      stream: true,
      temperature: 0,
      seed: 3,
      max_tokens: 50,
    });
  });

  it('maps logprobs and top_logprobs', async () => {
    const engine = await engineFor(() => ({ text: 'A', topLogprobs: { A: -0.1, B: -2.5 } }));
    const r = await engine.generate({ messages: msgs, logprobs: true, top_logprobs: 2 });
    expect(r.logprobs).toEqual([
      {
        token: 'A',
        logprob: -0.1,
        top_logprobs: [
          { token: 'A', logprob: -0.1 },
          { token: 'B', logprob: -2.5 },
        ],
      },
    ]);
    expect(server!.requests.at(-1)!.body).toMatchObject({ logprobs: true, top_logprobs: 2 });
  });

  it('keeps reasoning_content as a <think> block', async () => {
    const engine = await engineFor(() => ({ reasoning: 'Let me see.', text: '[[B]]' }));
    const r = await engine.generate({ messages: msgs });
    expect(r.text).toBe('<think>Let me see.</think>[[B]]');
  });

  it('works without streaming too', async () => {
    const engine = await engineFor(() => ({ text: 'plain [[A]]', topLogprobs: { A: -0.2 } }), {
      capabilities: { streaming: false },
    });
    const r = await engine.generate({ messages: msgs, logprobs: true, top_logprobs: 1 });
    expect(r.text).toBe('plain [[A]]');
    expect(r.logprobs?.length).toBe(2);
    expect(server!.requests.at(-1)!.body!.stream).toBeUndefined();
  });

  it('streamOnlyWhenWatched: whole answers unless onToken is given, with the same text, logprobs and token counts', async () => {
    const engine = await engineFor(
      () => ({ text: 'plain [[A]]', reasoning: 'Think first.', topLogprobs: { A: -0.2 } }),
      { streamOnlyWhenWatched: true },
    );
    const req = { messages: msgs, logprobs: true, top_logprobs: 1 };
    const whole = await engine.generate(req);
    expect(server!.requests.at(-1)!.body!.stream).toBeUndefined();
    const deltas: string[] = [];
    const streamed = await engine.generate(req, { onToken: (d) => deltas.push(d.delta) });
    expect(server!.requests.at(-1)!.body!.stream).toBe(true);
    expect(deltas.length).toBeGreaterThan(1);
    expect(whole.text).toBe('<think>Think first.</think>plain [[A]]');
    expect(streamed.text).toBe(whole.text);
    expect(streamed.logprobs).toEqual(whole.logprobs);
    expect(whole.usage.completionTokens).toBe(streamed.usage.completionTokens);
    expect(whole.usage.promptTokens).toBe(streamed.usage.promptTokens);
    // A whole answer has no first-token time, so no rates are made up from it.
    expect(whole.usage.timeToFirstTokenMs).toBeNull();
    expect(whole.usage.decodeTokensPerS).toBeNull();
    expect(whole.usage.totalMs).toBeGreaterThan(0);
  });

  it('sends json_schema when supported, json_object otherwise, and grammars by server kind', async () => {
    const schema = JSON.stringify({
      type: 'object',
      properties: { verdict: { enum: ['A', 'B'] } },
    });
    const engine = await engineFor(() => ({ text: '{"verdict":"A"}' }));
    await engine.generate({ messages: msgs, response_format: { type: 'json_object', schema } });
    expect(server!.requests.at(-1)!.body!.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'verdict', schema: JSON.parse(schema), strict: true },
    });
    engine.capabilities.jsonSchema = false;
    await engine.generate({ messages: msgs, response_format: { type: 'json_object', schema } });
    expect(server!.requests.at(-1)!.body!.response_format).toEqual({ type: 'json_object' });
    engine.capabilities.grammar = 'guided_grammar';
    await engine.generate({
      messages: msgs,
      response_format: { type: 'grammar', grammar: 'root ::= "A"' },
    });
    expect(server!.requests.at(-1)!.body!.guided_grammar).toBe('root ::= "A"');
    engine.capabilities.grammar = 'grammar';
    await engine.generate({
      messages: msgs,
      response_format: { type: 'grammar', grammar: 'root ::= "A"' },
    });
    expect(server!.requests.at(-1)!.body!.grammar).toBe('root ::= "A"');
    engine.capabilities.grammar = 'none';
    await engine.generate({
      messages: msgs,
      enable_thinking: false,
      response_format: { type: 'grammar', grammar: 'g' },
    });
    const last = server!.requests.at(-1)!.body!;
    expect(last.grammar).toBeUndefined();
    expect(last.guided_grammar).toBeUndefined();
    expect(last.chat_template_kwargs).toEqual({ enable_thinking: false });
  });

  it('sends the key as a bearer token', async () => {
    const engine = await engineFor(() => ({ text: 'x' }), { apiKey: 'sk-local-123' });
    await engine.generate({ messages: msgs });
    expect(server!.requests.at(-1)!.headers.authorization).toBe('Bearer sk-local-123');
  });

  it('backs off on 429 with Retry-After, then succeeds', async () => {
    const retries: number[] = [];
    const engine = await engineFor(
      (n) =>
        n < 2
          ? {
              status: 429,
              headers: { 'retry-after': '0.05' },
              json: { error: { message: 'slow down' } },
            }
          : { text: 'ok [[A]]' },
      { onRetry: (i) => retries.push(i.delayMs) },
    );
    const t0 = Date.now();
    const r = await engine.generate({ messages: msgs });
    expect(r.text).toBe('ok [[A]]');
    expect(retries).toEqual([50, 50]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(95);
    expect(engine.stats.retries).toBe(2);
  });

  it('retries 500 and 503, then gives up with a named error', async () => {
    const engine = await engineFor(() => ({ status: 500, json: { error: { message: 'boom' } } }), {
      backoff: { ...fast, retries: 2 },
    });
    const err = await engine.generate({ messages: msgs }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).message).toContain('boom');
    expect(server!.completions).toBe(3);
  });

  it('names rate limits, auth and context errors without retrying the last two', async () => {
    let engine = await engineFor(() => ({ status: 429, json: { error: 'busy' } }), {
      backoff: { ...fast, retries: 0 },
    });
    await expect(engine.generate({ messages: msgs })).rejects.toBeInstanceOf(RateLimitError);
    await server!.close();
    engine = await engineFor(() => ({ status: 401, json: { error: { message: 'bad key' } } }));
    await expect(engine.generate({ messages: msgs })).rejects.toBeInstanceOf(ServerAuthError);
    expect(server!.completions).toBe(1);
    await server!.close();
    engine = await engineFor(() => ({
      status: 400,
      json: { error: { message: "This model's maximum context length is 4096 tokens." } },
    }));
    await expect(engine.generate({ messages: msgs })).rejects.toBeInstanceOf(
      ContextWindowExceededError,
    );
    expect(server!.completions).toBe(1);
  });

  it('times out a hung server with ServerTimeoutError', async () => {
    const engine = await engineFor(() => ({ hang: true }), {
      idleTimeoutMs: 150,
      backoff: { ...fast, retries: 0 },
    });
    const t0 = Date.now();
    await expect(engine.generate({ messages: msgs })).rejects.toBeInstanceOf(ServerTimeoutError);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('times out a stream that stalls after its first tokens', async () => {
    const engine = await engineFor(() => ({ text: 'a b c d e f', delayMs: 400 }), {
      idleTimeoutMs: 150,
      backoff: { ...fast, retries: 0 },
    });
    await expect(engine.generate({ messages: msgs })).rejects.toBeInstanceOf(ServerTimeoutError);
  });

  it('skips and counts malformed SSE lines, comments and CRLF framing', async () => {
    const chunk = (c: string) =>
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: c }, finish_reason: null }] })}\r\n\r\n`;
    const engine = await engineFor(() => ({
      raw: [
        ': keep-alive\r\n\r\n',
        chunk('Hello'),
        'data: {not json\n\n',
        'nonsense line\n\n',
        chunk(' world'),
        `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }] })}\n\n`,
        'data: [DONE]\n\n',
      ],
    }));
    const r = await engine.generate({ messages: msgs });
    expect(r.text).toBe('Hello world');
    expect(r.finishReason).toBe('length');
    expect(engine.stats.malformedLines).toBe(2);
  });

  it('retries a connection dropped mid-stream and returns the full answer once', async () => {
    const engine = await engineFor((n) =>
      n === 0 ? { text: 'one two three four', dropAfter: 2 } : { text: 'one two three four' },
    );
    const texts: string[] = [];
    const r = await engine.generate({ messages: msgs }, { onToken: (d) => texts.push(d.text) });
    expect(r.text).toBe('one two three four');
    expect(engine.stats.retries).toBe(1);
    expect(texts).toContain(''); // the view was reset before the retry streamed again
  });

  it('reports a dropped stream as StreamDroppedError when retries run out', async () => {
    const engine = await engineFor(() => ({ text: 'one two three four', dropAfter: 1 }), {
      backoff: { ...fast, retries: 1 },
    });
    await expect(engine.generate({ messages: msgs })).rejects.toBeInstanceOf(StreamDroppedError);
    expect(server!.completions).toBe(2);
  });

  it('treats an empty choices list as a server error: retried, never an empty answer', async () => {
    const empty = { id: 'x', object: 'chat.completion', choices: [], usage: { prompt_tokens: 3 } };
    let engine = await engineFor((n) => (n === 0 ? { answer: empty } : { text: 'ok [[A]]' }), {
      capabilities: { streaming: false },
    });
    const r = await engine.generate({ messages: msgs });
    expect(r.text).toBe('ok [[A]]');
    expect(engine.stats.retries).toBe(1);
    await server!.close();
    // Streamed: a stream of usage and [DONE] with no choice at all, every time.
    engine = await engineFor(
      () => ({
        raw: [
          `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 3 } })}\n\n`,
          'data: [DONE]\n\n',
        ],
      }),
      { backoff: { ...fast, retries: 1 } },
    );
    const err = await engine.generate({ messages: msgs }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).message).toMatch(/no choice/);
    expect(server!.completions).toBe(2);
  });

  it('refuses an answer far longer than max_tokens allows, streamed or whole, without retrying', async () => {
    const content = (text: string) =>
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;
    // 1024 tokens allow 32 characters each (64 k); 5 MB in 1 kB events runs past it.
    let engine = await engineFor(() => ({
      raw: [
        ...Array.from({ length: 5 * 1024 }, () => content('x'.repeat(1024))),
        'data: [DONE]\n\n',
      ],
    }));
    let err = await engine.generate({ messages: msgs, max_tokens: 1024 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).message).toMatch(
      /ran past 65,536 characters although max_tokens was 1024/,
    );
    expect(engine.stats.retries).toBe(0);
    await server!.close();
    // One endless event never completes a line: the bytes on the wire are capped too (4 MB here).
    engine = await engineFor(() => ({
      raw: [
        `data: {"choices":[{"delta":{"content":"`,
        ...Array.from({ length: 5 * 1024 }, () => 'x'.repeat(1024)),
      ],
    }));
    err = await engine.generate({ messages: msgs, max_tokens: 1024 }).catch((e: unknown) => e);
    expect((err as ServerError).message).toMatch(/ran past/);
    await server!.close();
    engine = await engineFor(
      () => ({
        answer: {
          choices: [{ index: 0, message: { content: 'x'.repeat(70_000) }, finish_reason: 'stop' }],
        },
      }),
      { capabilities: { streaming: false } },
    );
    err = await engine.generate({ messages: msgs, max_tokens: 1024 }).catch((e: unknown) => e);
    expect((err as ServerError).message).toMatch(/ran past 65,536 characters/);
    await server!.close();
    // A whole answer followed by endless bytes after [DONE]: kept, and the rest is not read.
    engine = await engineFor(() => ({
      raw: [
        content('[[A]]'),
        'data: [DONE]\n\n',
        ...Array.from({ length: 5 * 1024 }, () => `: ${'x'.repeat(1024)}\n`),
      ],
    }));
    expect((await engine.generate({ messages: msgs, max_tokens: 1024 })).text).toBe('[[A]]');
    await server!.close();
    engine = await engineFor(
      () => ({
        answer: {
          choices: [{ index: 0, message: { content: 'x'.repeat(70_000) }, finish_reason: 'stop' }],
        },
      }),
      { capabilities: { streaming: false } },
    );
    // Within the bound it is an answer like any other.
    const ok = await engine.generate({ messages: msgs, max_tokens: 4096 });
    expect(ok.text).toHaveLength(70_000);
    // Megabytes through a real socket: data-heavy, so a budget fit for a busy machine, not 5 s.
  }, 60_000);

  it('marks token counts as estimates when the server sends no usage, and derives no rate from them', async () => {
    for (const streaming of [true, false]) {
      const engine = await engineFor(
        () => ({ text: 'one two three four five six', noUsage: true }),
        {
          capabilities: { streaming },
        },
      );
      const r = await engine.generate({ messages: msgs });
      expect(r.usage.estimated).toEqual(['promptTokens', 'completionTokens']);
      // Six words streamed as six events; whole, 27 characters at four a token is 7 (not 1).
      expect(r.usage.completionTokens).toBe(streaming ? 6 : 7);
      expect(r.usage.prefillTokensPerS).toBeNull();
      expect(r.usage.decodeTokensPerS).toBeNull();
      expect(r.usage.totalMs).toBeGreaterThan(0);
      await server!.close();
    }
    // With usage nothing is marked.
    const engine = await engineFor(() => ({ text: 'one two' }));
    const r = await engine.generate({ messages: msgs }, { onToken: () => undefined });
    expect(r.usage.estimated).toBeUndefined();
    expect(r.usage.completionTokens).toBe(2);
  });

  it('stops on abort with AbortedError', async () => {
    const engine = await engineFor(() => ({ text: 'a b c d e f g h', delayMs: 50 }));
    const ac = new AbortController();
    const p = engine.generate({ messages: msgs }, { signal: ac.signal, onToken: () => ac.abort() });
    await expect(p).rejects.toBeInstanceOf(AbortedError);
  });

  it('names an unreachable server', async () => {
    server = await startOpenAIServer();
    const url = server.url;
    await server.close();
    server = null;
    const engine = new OpenAIEngine({ endpoint: url, ...(impl ? { fetch: impl } : {}) });
    await expect(engine.load(openaiModelSpec(url, 'x'))).rejects.toBeInstanceOf(
      ServerUnreachableError,
    );
  });

  it('retries a refused connection until the server is back on its port', async () => {
    server = await startOpenAIServer();
    const url = server.url;
    const engine = new OpenAIEngine({
      endpoint: url,
      // Generous: the server is restarted on the first retry, whatever the machine's load.
      backoff: { baseMs: 5, maxMs: 50, retries: 200 },
      ...(impl ? { fetch: impl } : {}),
      onRetry: ({ error }) => {
        errors.push(error.message);
        // A pooled keep-alive socket may first report the close as a reset; then it refuses.
        if (restarted === null && /refused the connection/.test(error.message))
          restarted = startOpenAIServer({ port: Number(new URL(url).port) }).then((s) => {
            server = s;
          });
      },
    });
    const errors: string[] = [];
    let restarted: Promise<void> | null = null;
    await engine.load(openaiModelSpec(url, 'test-judge'));
    await server.close();
    server = null;
    const r = await engine.generate({ messages: [{ role: 'user', content: 'GOOD or BAD?' }] });
    expect(restarted).not.toBeNull();
    await restarted;
    expect(r.text).toContain('[[A]]');
    expect(errors.every((m) => /refused the connection|closed by the server/.test(m))).toBe(true);
  });

  it('says a reset connection was closed by the server, not that it could not be reached', async () => {
    const raw = createServer((req) => req.socket.destroy());
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
    const engine = new OpenAIEngine({ endpoint: url, ...(impl ? { fetch: impl } : {}) });
    const err = await engine.listModels().catch((e: unknown) => e);
    await new Promise<void>((r) => raw.close(() => r()));
    expect(err).toBeInstanceOf(ServerUnreachableError);
    expect((err as Error).message).toMatch(
      /^The connection to 127\.0\.0\.1:\d+ was closed by the server/,
    );
    expect((err as ServerUnreachableError).detail.retryable).toBe(true);
  });

  it.each([
    [
      '{"error":"SyntaxError","message":"Unexpected end of JSON input"}',
      'SyntaxError: Unexpected end of JSON input',
    ],
    ['{"error":{"message":"model not loaded","type":"server_error"}}', 'model not loaded'],
    ['{"detail":"Internal Server Error"}', 'Internal Server Error'],
    [
      'SyntaxError: Unexpected token } in JSON at position 9',
      'SyntaxError: Unexpected token } in JSON at position 9',
    ],
  ])('keeps the whole error body message: %s', async (body, said) => {
    const raw = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
    const engine = new OpenAIEngine({ endpoint: url, ...(impl ? { fetch: impl } : {}) });
    const err = await engine.listModels().catch((e: unknown) => e);
    await new Promise<void>((r) => raw.close(() => r()));
    expect((err as ServerError).message).toBe(`The server answered 500: ${said}`);
  });

  it('refuses to load a model the server does not serve', async () => {
    server = await startOpenAIServer();
    const engine = new OpenAIEngine({ endpoint: server.url });
    await expect(engine.load(openaiModelSpec(server.url, 'nope'))).rejects.toThrow(/test-judge/);
  });

  it.each(['vllm', 'llama.cpp'] as const)('counts tokens with the %s tokenizer', async (mode) => {
    const engine = await engineFor(
      () => ({ text: 'x' }),
      { capabilities: { tokenize: mode } },
      { tokenize: mode },
    );
    const n = await engine.countTokens([{ role: 'user', content: 'one two three' }]);
    expect(engine.lastCountExact).toBe(true);
    expect(n).toBeGreaterThanOrEqual(3);
  });

  it('falls back to a labelled estimate without /tokenize', async () => {
    const engine = await engineFor(
      () => ({ text: 'x' }),
      { capabilities: { tokenize: 'vllm' } },
      { tokenize: 'none' },
    );
    const n = await engine.countTokens([{ role: 'user', content: 'x'.repeat(400) }]);
    expect(engine.lastCountExact).toBe(false);
    expect(n).toBe(104);
  });

  it('keeps 32 requests in flight on a slow server, each answer matching its request', async () => {
    const engine = await engineFor(() => ({ text: '', delayMs: 0 }));
    await server!.close();
    server = await startOpenAIServer({
      handler: (req) => {
        const m = (req.body!.messages as { content: string }[])[0]!.content;
        return { text: `echo ${m}`, latencyMs: 400, delayMs: 5 };
      },
    });
    const e2 = new OpenAIEngine({ endpoint: server.url, ...(impl ? { fetch: impl } : {}) });
    await e2.load(openaiModelSpec(server.url, 'test-judge'));
    void engine;
    const inputs = Array.from({ length: 96 }, (_, i) => `q${i}`);
    const out = new Map<string, string>();
    const sum = await runPool(
      inputs,
      async (q) => (await e2.generate({ messages: [{ role: 'user', content: q }] })).text,
      { concurrency: 32, onResult: (text, q) => out.set(q, text) },
    );
    expect(sum).toMatchObject({ succeeded: 96, failed: 0 });
    // 32 at once on the server proves the requests overlap; how long the three waves take on this
    // machine is a benchmark's question (bench/openai-pool.bench.ts), not a test's.
    expect(server.maxInFlight).toBe(32);
    for (const q of inputs) expect(out.get(q)).toBe(`echo ${q}`);
  }, 60_000);

  it('runs the judge core unchanged: J1 both orders, verdicts mapped back', async () => {
    server = await startOpenAIServer();
    const engine = new OpenAIEngine({ endpoint: server.url });
    await engine.load(openaiModelSpec(server.url, 'test-judge'));
    const template = getTemplate('j1-pairwise')!;
    const r = await judgeItem(
      engine,
      { prompt: 'Say hi', responseA: 'BAD answer', responseB: 'GOOD answer' },
      { template, thinkingModel: false, bothOrders: true },
    );
    expect(r.orders.map((o) => o.judgments[0]!.parse.verdict)).toEqual(['B', 'B']);
    expect(r.verdict).toBe('B');
    expect(r.consistency).toBe('consistent');
  });
});

describe('probeServer', () => {
  it('reports latency, models and working features', async () => {
    server = await startOpenAIServer({
      handler: (req) => {
        const b = req.body!;
        if (b.guided_grammar) return { text: 'A' };
        if ((b.response_format as { type?: string } | undefined)?.type === 'json_schema')
          return { text: '{"verdict":"B"}' };
        return { text: 'A', topLogprobs: { A: -0.1, B: -3 } };
      },
    });
    const r = await probeServer({ endpoint: `${server.url}/v1/` });
    expect(r.models).toEqual([{ id: 'test-judge', contextWindow: 4096 }]);
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(
      r.streaming.ok && r.logprobs.ok && r.jsonSchema.ok && r.tokenize.ok && r.grammar.ok,
    ).toBe(true);
    expect(r.capabilities).toEqual({
      streaming: true,
      logprobs: true,
      jsonSchema: true,
      grammar: 'guided_grammar',
      tokenize: 'vllm',
    });
  });

  it('switches off what a plain server lacks, with reasons', async () => {
    server = await startOpenAIServer({
      tokenize: 'none',
      jsonSchema: false,
      logprobs: false,
      handler: () => ({ text: 'Sure, A.' }),
    });
    const r = await probeServer({ endpoint: server.url });
    expect(r.streaming.ok).toBe(true);
    expect(r.logprobs.ok).toBe(false);
    expect(r.jsonSchema).toMatchObject({ ok: false });
    expect(r.tokenize).toMatchObject({ ok: false, reason: expect.stringContaining('estimate') });
    expect(r.grammar.ok).toBe(false);
    expect(r.capabilities).toMatchObject({
      jsonSchema: false,
      grammar: 'none',
      tokenize: 'none',
      logprobs: false,
    });
  });
});
