// JudgeEngine for OpenAI-compatible servers (vLLM, llama.cpp, Ollama, LM Studio) over fetch; browser and Node 20.
import { estimateMessagesTokens, estimateTokens } from '../judge/port';
import {
  AbortedError,
  ContextWindowExceededError,
  EngineError,
  ModelNotLoadedError,
  ServerError,
  ServerTimeoutError,
  StreamDroppedError,
} from './errors';
import {
  DEFAULT_BACKOFF,
  backoffDelay,
  errorForStatus,
  headers,
  isRetryable,
  parseEndpoint,
  sleep,
  unreachable,
  type BackoffOptions,
  type Endpoint,
} from './openai-http';
import { SseParser } from './sse';
import { chatCompletionBody } from './openai-body';
import { GrammarRejectedError } from './constraint-fields';
import { DEFAULT_CAPABILITIES, type OpenAICapabilities } from './openai-spec';
import type {
  ChatMessage,
  FinishReason,
  GenerateOptions,
  GenerateRequest,
  GenerateResult,
  JudgeEngine,
  LoadOptions,
  LoadedModel,
  ModelSpec,
  TokenLogprob,
} from './types';

export type { OpenAICapabilities } from './openai-spec';
export { DEFAULT_CAPABILITIES, openaiModelSpec } from './openai-spec';

export interface OpenAIEngineOptions {
  endpoint: string;
  apiKey?: string;
  capabilities?: Partial<OpenAICapabilities>;
  /** Give up when no byte arrives for this long (ms). Default 120 s. */
  idleTimeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** Told about each retry (the CLI counts them). */
  onRetry?: (info: { attempt: number; delayMs: number; error: EngineError }) => void;
  fetch?: typeof fetch;
  /**
   * Stream only when the caller watches the tokens (passes onToken). A streamed answer costs the
   * client a parse per token; the CLI renders no tokens, and at hundreds of tokens per answer the
   * per-event work would make it the bottleneck. Default false: stream whenever the server can.
   */
  streamOnlyWhenWatched?: boolean;
}

/** Counters a caller may show: malformed SSE lines skipped, retries made. */
export interface OpenAIStats {
  malformedLines: number;
  retries: number;
  requests: number;
}

interface ChunkChoice {
  delta?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null };
  message?: {
    content?: string | null;
    reasoning_content?: string | null;
    reasoning?: string | null;
  };
  finish_reason?: string | null;
  logprobs?: { content?: RawLogprob[] | null } | null;
}
interface RawLogprob {
  token: string;
  logprob: number;
  top_logprobs?: { token: string; logprob: number }[];
}
interface Chunk {
  choices?: ChunkChoice[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  timings?: { prompt_per_second?: number; predicted_per_second?: number };
  error?: unknown;
}

/** Accumulates one generation from chunks (streamed) or the whole message (not streamed). */
class Accumulator {
  text = '';
  reasoning = '';
  logprobs: TokenLogprob[] = [];
  finish: string | null = null;
  promptTokens: number | null = null;
  completionTokens: number | null = null;
  pieces = 0;
  /** Chunks that carried a choice: none at all is a server fault, never an empty judgment. */
  choices = 0;
  prefillRate: number | null = null;
  decodeRate: number | null = null;

  /** Returns the new visible text (reasoning wrapped in <think>) of this chunk. */
  add(chunk: Chunk): string {
    if (chunk.error !== undefined && chunk.error !== null) {
      const e = chunk.error as { message?: unknown };
      throw new ServerError(
        `The server reported an error mid-stream: ${typeof e.message === 'string' ? e.message : JSON.stringify(chunk.error)}`,
        { retryable: false },
      );
    }
    if (chunk.usage) {
      if (typeof chunk.usage.prompt_tokens === 'number')
        this.promptTokens = chunk.usage.prompt_tokens;
      if (typeof chunk.usage.completion_tokens === 'number')
        this.completionTokens = chunk.usage.completion_tokens;
    }
    if (chunk.timings) {
      this.prefillRate = chunk.timings.prompt_per_second ?? this.prefillRate;
      this.decodeRate = chunk.timings.predicted_per_second ?? this.decodeRate;
    }
    const choice = chunk.choices?.[0];
    if (!choice) return '';
    this.choices++;
    if (choice.finish_reason) this.finish = choice.finish_reason;
    for (const lp of choice.logprobs?.content ?? []) {
      this.logprobs.push({
        token: lp.token,
        logprob: lp.logprob,
        top_logprobs: (lp.top_logprobs ?? []).map((t) => ({ token: t.token, logprob: t.logprob })),
      });
    }
    const m = choice.delta ?? choice.message ?? {};
    const reasoning = m.reasoning_content ?? m.reasoning ?? '';
    const content = m.content ?? '';
    let out = '';
    // Servers with a reasoning parser split thinking off; keep it in the text, as web-llm does,
    // so the stored judgment is complete and the parser strips it the same way.
    if (reasoning) {
      if (!this.thinkOpen) out += '<think>';
      this.thinkOpen = true;
      this.reasoning += reasoning;
      out += reasoning;
    }
    if (content) {
      if (this.thinkOpen) out += '</think>';
      this.thinkOpen = false;
      out += content;
    }
    if (out) this.pieces++;
    this.text += out;
    return out;
  }
  private thinkOpen = false;

  finishText(): void {
    if (this.thinkOpen) this.text += '</think>';
    this.thinkOpen = false;
  }
}

/**
 * The most characters an answer may hold: 32 per requested token (no tokenizer has tokens that
 * long, so only a server ignoring max_tokens gets there), at least 64 k; 4 M without max_tokens.
 * Past it the answer is an item error, not a stored judgment.
 */
export function answerCharLimit(maxTokens: number | undefined): number {
  return maxTokens === undefined ? 4 * 1024 * 1024 : Math.max(64 * 1024, maxTokens * 32);
}

/** Bytes on the wire for such an answer: JSON framing and logprobs take up to ~64× its text. */
const wireLimit = (maxTokens: number | undefined) => answerCharLimit(maxTokens) * 64;

function tooLong(maxTokens: number | undefined): ServerError {
  return new ServerError(
    `The server’s answer ran past ${answerCharLimit(maxTokens).toLocaleString('en')} characters${maxTokens === undefined ? '' : ` although max_tokens was ${maxTokens}`}; it was not stored. Does the server honour max_tokens?`,
    { retryable: false },
  );
}

/** The server answered, but with no choice in it: retried, then an item error. */
function noChoice(): ServerError {
  return new ServerError('The server’s answer held no choice (an empty “choices” list).', {
    retryable: true,
  });
}

/** Best effort: a value that looks like JSON of a chunk, or null for a malformed line. */
function parseChunk(data: string): Chunk | null {
  try {
    const v: unknown = JSON.parse(data);
    return v && typeof v === 'object' ? (v as Chunk) : null;
  } catch {
    return null;
  }
}

/**
 * A generation's result from what the accumulator gathered. Counts the server did not send are
 * estimated and marked so; rates come only from measured counts (or the server's own timings),
 * never from an estimate.
 */
function resultOf(
  acc: Accumulator,
  req: GenerateRequest,
  t: { stream: boolean; ttft: number | null; totalMs: number },
): GenerateResult {
  const { ttft } = t;
  const estimated: ('promptTokens' | 'completionTokens')[] = [];
  let promptTokens = acc.promptTokens;
  if (promptTokens === null) {
    promptTokens = estimateMessagesTokens(req.messages);
    estimated.push('promptTokens');
  }
  // Each logprob entry is one generated token: a count, not an estimate.
  let completionTokens = acc.completionTokens ?? (acc.logprobs.length || null);
  if (completionTokens === null) {
    completionTokens = t.stream ? acc.pieces : estimateTokens(acc.text);
    estimated.push('completionTokens');
  }
  const decodeMs = ttft === null ? null : t.totalMs - ttft;
  const finishReason: FinishReason = acc.finish === 'length' ? 'length' : 'stop';
  return {
    text: acc.text,
    usage: {
      promptTokens,
      completionTokens,
      prefillTokensPerS:
        acc.prefillRate ??
        (ttft && ttft > 0 && !estimated.includes('promptTokens')
          ? (promptTokens * 1000) / ttft
          : null),
      decodeTokensPerS:
        acc.decodeRate ??
        (decodeMs && decodeMs > 0 && !estimated.includes('completionTokens')
          ? (completionTokens * 1000) / decodeMs
          : null),
      timeToFirstTokenMs: ttft,
      totalMs: t.totalMs,
      ...(estimated.length > 0 ? { estimated } : {}),
    },
    logprobs: req.logprobs && acc.logprobs.length > 0 ? acc.logprobs : null,
    finishReason,
  };
}

/**
 * A whole (unstreamed) chat completion as a generation's result, read exactly as the live engine
 * reads one: reasoning kept in <think>, usage, logprobs, finish reason. Batch results have no
 * timing, so totalMs is 0 and the rates null. Throws ServerError for an error body or no choice.
 */
export function completionResult(completion: unknown, req: GenerateRequest): GenerateResult {
  if (!completion || typeof completion !== 'object')
    throw new ServerError('The answer is not a chat completion object.', { retryable: false });
  const acc = new Accumulator();
  acc.add(completion as Chunk);
  if (acc.choices === 0) throw noChoice();
  if (acc.text.length > answerCharLimit(req.max_tokens)) throw tooLong(req.max_tokens);
  acc.finishText();
  return resultOf(acc, req, { stream: false, ttft: null, totalMs: 0 });
}

export class OpenAIEngine implements JudgeEngine {
  readonly kind = 'openai' as const;
  loaded: LoadedModel | null = null;
  readonly stats: OpenAIStats = { malformedLines: 0, retries: 0, requests: 0 };
  /** Whether the last countTokens came from the server's tokenizer (true) or the estimate. */
  lastCountExact = false;
  capabilities: OpenAICapabilities;
  private endpoint: Endpoint;
  private readonly opts: OpenAIEngineOptions;
  private readonly backoff: BackoffOptions;
  private readonly fetchFn: typeof fetch;

  constructor(opts: OpenAIEngineOptions) {
    this.opts = opts;
    this.endpoint = parseEndpoint(opts.endpoint);
    this.capabilities = { ...DEFAULT_CAPABILITIES, ...opts.capabilities };
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    // Bound to globalThis: browsers throw "Illegal invocation" on a detached fetch.
    this.fetchFn = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  get endpointUrl(): string {
    return this.endpoint.v1;
  }

  /** Check that the server answers and serves the model; nothing is downloaded. */
  async load(spec: ModelSpec, opts: LoadOptions = {}): Promise<LoadedModel> {
    const t0 = Date.now();
    if (spec.modelUrl) this.endpoint = parseEndpoint(spec.modelUrl);
    opts.onProgress?.({
      phase: 'checking',
      fraction: null,
      loadedBytes: null,
      totalBytes: null,
      elapsedMs: 0,
      etaMs: null,
      text: `Asking ${this.endpoint.v1}/models`,
    });
    const models = await this.listModels(opts.signal);
    if (models.length > 0 && !models.some((m) => m.id === spec.modelId)) {
      throw new ServerError(
        `The server does not serve “${spec.modelId}”. It serves: ${models
          .map((m) => m.id)
          .slice(0, 10)
          .join(', ')}.`,
        { retryable: false },
      );
    }
    this.loaded = { spec, loadMs: Date.now() - t0 };
    opts.onProgress?.({
      phase: 'ready',
      fraction: 1,
      loadedBytes: null,
      totalBytes: null,
      elapsedMs: Date.now() - t0,
      etaMs: 0,
      text: 'Server ready',
    });
    return this.loaded;
  }

  async unload(): Promise<void> {
    this.loaded = null;
  }

  /** GET /v1/models; context windows where the server tells them (vLLM max_model_len, llama.cpp n_ctx_train). */
  async listModels(signal?: AbortSignal): Promise<{ id: string; contextWindow: number | null }[]> {
    const res = await this.request(`${this.endpoint.v1}/models`, { method: 'GET' }, signal);
    const body = (await res.json().catch(() => ({}))) as {
      data?: { id?: unknown; max_model_len?: unknown; meta?: { n_ctx_train?: unknown } }[];
    };
    return (body.data ?? [])
      .filter((m) => typeof m.id === 'string')
      .map((m) => ({
        id: m.id as string,
        contextWindow:
          typeof m.max_model_len === 'number'
            ? m.max_model_len
            : typeof m.meta?.n_ctx_train === 'number'
              ? m.meta.n_ctx_train
              : null,
      }));
  }

  /** The JSON body sent to /v1/chat/completions for a request (exported for tests and the CLI). */
  body(req: GenerateRequest, stream: boolean): Record<string, unknown> {
    if (!this.loaded) throw new ModelNotLoadedError();
    return chatCompletionBody(this.loaded.spec.modelId, req, this.capabilities, stream);
  }

  async generate(req: GenerateRequest, opts: GenerateOptions = {}): Promise<GenerateResult> {
    if (!this.loaded) throw new ModelNotLoadedError();
    for (let attempt = 0; ; attempt++) {
      if (opts.signal?.aborted) throw new AbortedError();
      try {
        return await this.attempt(req, opts);
      } catch (raw) {
        const e = this.grammarRefusal(req, raw);
        if (!(e instanceof EngineError) || !isRetryable(e) || attempt >= this.backoff.retries)
          throw e;
        const after = typeof e.detail.retryAfterMs === 'number' ? e.detail.retryAfterMs : null;
        const delayMs = backoffDelay(attempt + 1, this.backoff, after);
        this.stats.retries++;
        this.opts.onRetry?.({ attempt: attempt + 1, delayMs, error: e });
        // A retry starts the text again; streaming views show it from the start.
        if (attempt === 0 || opts.onToken) opts.onToken?.({ delta: '', text: '' });
        await sleep(delayMs, opts.signal);
      }
    }
  }

  /** A 400/422 to a request that carried a grammar names the setting that sent it. */
  private grammarRefusal(req: GenerateRequest, e: unknown): unknown {
    const field = this.capabilities.grammar;
    const status = e instanceof EngineError ? e.detail.status : undefined;
    if (field === 'none' || req.response_format?.type !== 'grammar') return e;
    if (e instanceof ContextWindowExceededError || (status !== 400 && status !== 422)) return e;
    return new GrammarRejectedError(field, (e as Error).message, { status });
  }

  private async attempt(req: GenerateRequest, opts: GenerateOptions): Promise<GenerateResult> {
    const stream =
      this.capabilities.streaming &&
      (!this.opts.streamOnlyWhenWatched || opts.onToken !== undefined);
    const t0 = performance.now();
    const idle = new IdleTimer(this.opts.idleTimeoutMs ?? 120_000, opts.signal);
    let firstToken: number | null = null;
    const acc = new Accumulator();
    try {
      const res = await this.request(
        `${this.endpoint.v1}/chat/completions`,
        { method: 'POST', body: JSON.stringify(this.body(req, stream)) },
        idle.signal,
        idle,
      );
      if (!stream) {
        const text = await res.text();
        if (text.length > wireLimit(req.max_tokens)) throw tooLong(req.max_tokens);
        const parsed = parseChunk(text);
        if (!parsed)
          throw new ServerError('The server’s answer was not JSON.', { retryable: true });
        // A whole answer has no first-token time: its timings stay null, not a made-up rate.
        acc.add(parsed);
        if (acc.choices === 0) throw noChoice();
        if (acc.text.length > answerCharLimit(req.max_tokens)) throw tooLong(req.max_tokens);
      } else {
        const body = res.body;
        if (!body) throw new StreamDroppedError('The server sent no body.', { retryable: true });
        const reader = body.getReader();
        const decoder = new TextDecoder();
        const sse = new SseParser();
        let done = false;
        let malformed = 0;
        let bytes = 0;
        const maxChars = answerCharLimit(req.max_tokens);
        const maxBytes = wireLimit(req.max_tokens);
        const handle = (data: string) => {
          if (data.trim() === '[DONE]') {
            done = true;
            return;
          }
          const chunk = parseChunk(data);
          if (!chunk) {
            malformed++;
            return;
          }
          const delta = acc.add(chunk);
          if (acc.text.length > maxChars) throw tooLong(req.max_tokens);
          if (delta) {
            firstToken ??= performance.now();
            opts.onToken?.({ delta, text: acc.text });
          }
        };
        try {
          // Read to the end even after [DONE] (servers close right after it): cancelling instead
          // costs an AbortError per request and can drop the keep-alive connection.
          for (;;) {
            const { value, done: eof } = await reader.read();
            idle.touch();
            if (eof) break;
            // Checked per read, before parsing: one endless event never completes a line. After
            // [DONE] the answer is whole; endless bytes after it are only cut off.
            bytes += value.byteLength;
            if (bytes > maxBytes) {
              if (!done) throw tooLong(req.max_tokens);
              await reader.cancel().catch(() => undefined);
              break;
            }
            if (done) continue;
            for (const ev of sse.push(decoder.decode(value, { stream: true }))) handle(ev.data);
          }
          if (!done) for (const ev of sse.end()) handle(ev.data);
        } catch (e) {
          // An answer refused mid-way: stop the download rather than read megabytes more.
          await reader.cancel().catch(() => undefined);
          throw e;
        } finally {
          this.stats.malformedLines += malformed + sse.malformedLines;
        }
        if (acc.choices === 0 && (done || acc.finish)) throw noChoice();
        if (!done && !acc.finish)
          throw new StreamDroppedError(
            `The stream ended after ${acc.text.length} characters without finishing.`,
            { retryable: true },
          );
      }
    } catch (e) {
      throw idle.translate(e, this.endpoint.v1);
    } finally {
      idle.stop();
    }
    acc.finishText();
    const end = performance.now();
    return resultOf(acc, req, {
      stream,
      ttft: firstToken === null ? null : firstToken - t0,
      totalMs: end - t0,
    });
  }

  /** Tokens of the messages with the chat template: the server's tokenizer when it has one. */
  async countTokens(messages: ChatMessage[]): Promise<number> {
    const mode = this.capabilities.tokenize;
    const model = this.loaded?.spec.modelId;
    try {
      if (mode === 'vllm') {
        const r = await this.postJson<{ count?: number }>(`${this.endpoint.root}/tokenize`, {
          model,
          messages,
          add_generation_prompt: true,
        });
        if (typeof r.count === 'number') {
          this.lastCountExact = true;
          return r.count;
        }
      } else if (mode === 'llama.cpp') {
        const t = await this.postJson<{ prompt?: string }>(`${this.endpoint.root}/apply-template`, {
          messages,
        });
        if (typeof t.prompt === 'string') {
          const r = await this.postJson<{ tokens?: unknown[] }>(`${this.endpoint.root}/tokenize`, {
            content: t.prompt,
            add_special: true,
          });
          if (Array.isArray(r.tokens)) {
            this.lastCountExact = true;
            return r.tokens.length;
          }
        }
      }
    } catch (e) {
      if (e instanceof AbortedError) throw e;
      // A broken /tokenize must not block judging: fall back to the estimate, marked as such.
    }
    this.lastCountExact = false;
    return estimateMessagesTokens(messages);
  }

  async postJson<T>(url: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const res = await this.request(url, { method: 'POST', body: JSON.stringify(body) }, signal);
    return (await res.json()) as T;
  }

  /** fetch with the key, named errors for network failures and error statuses. */
  async request(
    url: string,
    init: { method: string; body?: string },
    signal?: AbortSignal,
    idle?: IdleTimer,
  ): Promise<Response> {
    this.stats.requests++;
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method: init.method,
        headers: headers(this.opts.apiKey, init.body !== undefined),
        ...(init.body !== undefined ? { body: init.body } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (e) {
      if (idle) throw idle.translate(e, url, 'connect');
      if (signal?.aborted) throw new AbortedError();
      throw unreachable(url, e);
    }
    idle?.touch();
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw errorForStatus(res.status, text, res.headers.get('retry-after'));
    }
    return res;
  }
}

/** Aborts the request when no byte arrives for `ms`, and tells a timeout from the caller's stop. */
class IdleTimer {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | null = null;
  timedOut = false;
  private last = Date.now();
  readonly signal: AbortSignal;
  private readonly onOuterAbort = () => this.controller.abort();

  constructor(
    private readonly ms: number,
    private readonly outer: AbortSignal | undefined,
  ) {
    this.signal = this.controller.signal;
    if (outer?.aborted) this.controller.abort();
    outer?.addEventListener('abort', this.onOuterAbort, { once: true });
    this.arm(ms);
  }

  /** Called per chunk: only a timestamp, so a 1,000-token answer does not re-arm 1,000 timers. */
  touch(): void {
    this.last = Date.now();
  }

  private arm(delay: number): void {
    this.timer = setTimeout(() => {
      const idle = Date.now() - this.last;
      if (idle < this.ms) return this.arm(this.ms - idle);
      this.timedOut = true;
      this.controller.abort();
    }, delay);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onOuterAbort);
  }

  translate(e: unknown, url: string, phase: 'connect' | 'body' = 'body'): unknown {
    if (e instanceof EngineError) return e;
    if (this.outer?.aborted) return new AbortedError();
    if (this.timedOut)
      return new ServerTimeoutError(
        `No answer from the server for ${Math.round(this.ms / 1000)} s.`,
        {
          retryable: true,
        },
      );
    // A reset socket mid-body surfaces as a TypeError ("terminated") from the reader.
    if (this.signal.aborted) return new AbortedError();
    if (phase === 'connect') return unreachable(url, e);
    return new StreamDroppedError(undefined, { retryable: true, cause: String(e) });
  }
}
