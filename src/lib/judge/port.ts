// The engine port: the contract the judge core runs against and every engine implements.
//
// It lives in the judge core so the layers point one way: engines import this file (and nothing
// else from judge/), the judge imports nothing from engine/. engine/types.ts and engine/errors.ts
// re-export it, so `engine/...` imports keep working.

/** Which engine served a judgment (recorded with it, so the store names it too). */
/** Every engine kind; files and records are checked against this one list. */
export const ENGINE_KINDS = ['webllm', 'openai', 'wllama', 'test'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];

/** A chat message as the engines take it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * Output constraint in web-llm's form (OpenAI's `response_format` plus web-llm's grammar kinds).
 * `schema` and `grammar` are strings, as web-llm expects.
 */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object'; schema?: string }
  | { type: 'grammar'; grammar: string };

/** One request to generate a completion. Field names follow the OpenAI/web-llm request. */
export interface GenerateRequest {
  messages: ChatMessage[];
  temperature?: number;
  top_p?: number;
  seed?: number;
  max_tokens?: number;
  /** Ask for per-token log probabilities; only recorded when `top_logprobs` is 1..5 too. */
  logprobs?: boolean;
  top_logprobs?: number;
  response_format?: ResponseFormat;
  /** Thinking models (Qwen3): false turns the model's own thinking off. */
  enable_thinking?: boolean;
}

/** Token usage and speed of one generation. Times in milliseconds, rates in tokens/s. */
export interface GenerateUsage {
  promptTokens: number;
  completionTokens: number;
  prefillTokensPerS: number | null;
  decodeTokensPerS: number | null;
  timeToFirstTokenMs: number | null;
  totalMs: number;
  /**
   * The counts that are estimates, not the engine's own (a server that sent no usage); absent
   * when both were measured. Rates are never derived from an estimate: they stay null instead.
   */
  estimated?: ('promptTokens' | 'completionTokens')[];
}

/** One candidate at a token position. */
export interface TopLogprob {
  token: string;
  logprob: number;
}

/** The log probability of one generated token and its top alternatives. */
export interface TokenLogprob {
  token: string;
  logprob: number;
  top_logprobs: TopLogprob[];
}

export type FinishReason = 'stop' | 'length' | 'abort' | 'error';

export interface GenerateResult {
  text: string;
  usage: GenerateUsage;
  /** Present when the request asked for logprobs with top_logprobs. */
  logprobs: TokenLogprob[] | null;
  finishReason: FinishReason;
}

/** Streamed piece of a generation: the new text and everything so far. */
export interface GenerateDelta {
  /** New text since the last call; it may hold several tokens (a worker joins them per frame). */
  delta: string;
  text: string;
  /** How many tokens `delta` holds (1 when absent). */
  tokens?: number;
}

export interface GenerateOptions {
  onToken?: (d: GenerateDelta) => void;
  /** How streamed text is joined before `onToken` sees it (engines in a worker); see StreamPace. */
  pace?: StreamPace;
  signal?: AbortSignal;
}

/**
 * How an engine in a worker joins streamed text into messages: sent once `minChars` have
 * gathered (at most every 250 ms), or after `maxWaitMs` when text comes slowly. A message costs
 * the page about 0.3 ms however small it is, so a view that renders only every so often asks
 * for no more messages than it renders. Without a pace: 400 characters or 500 ms.
 */
export interface StreamPace {
  minChars: number;
  maxWaitMs: number;
}

/**
 * What the judge core asks of an engine: generate, and count tokens before judging. Engines
 * offer more (load, unload: engine/types.ts `JudgeEngine`), which the judge never calls.
 */
export interface EnginePort {
  readonly kind: EngineKind;
  generate(req: GenerateRequest, opts?: GenerateOptions): Promise<GenerateResult>;
  /** Count the tokens the messages would take with the loaded model's chat template. */
  countTokens(messages: ChatMessage[]): Promise<number>;
}

/** Base of every engine error: `hint` is what the user can do about it. */
export class EngineError extends Error {
  override name: string = 'EngineError';
  readonly hint: string;
  readonly detail: Record<string, unknown>;
  constructor(message: string, hint = '', detail: Record<string, unknown> = {}) {
    super(message);
    this.hint = hint;
    this.detail = detail;
  }
}

export class AbortedError extends EngineError {
  override name = 'AbortedError';
  constructor(message = 'Stopped.', detail: Record<string, unknown> = {}) {
    super(message, '', detail);
  }
}

// Token estimates without a tokenizer. They belong to the port because both sides use the same
// one: the judge to plan a request against the context window, and an engine that has no
// tokenizer (an OpenAI-compatible server without usage) to report counts, marked as estimates.

/** Chat-template tokens around each message (role markers, separators) in common templates. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/g;

/**
 * Estimate the tokens of `text`: one per CJK character (BPE vocabularies of Qwen and Llama spend
 * about one token on each) and one per four other characters, the usual English rate. It errs
 * a little high on plain English prose, which is the safe side for a context-window check.
 */
export function estimateTokens(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0;
  return cjk + Math.ceil((text.length - cjk) / 4);
}

/** Estimated tokens of a whole conversation, chat-template overhead included. */
export function estimateMessagesTokens(messages: ChatMessage[]): number {
  return messages.reduce((n, m) => n + MESSAGE_OVERHEAD_TOKENS + estimateTokens(m.content), 0);
}
