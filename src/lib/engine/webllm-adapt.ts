// Pure translations between our engine types and web-llm's: requests, usage, logprobs and errors (types-only web-llm import).
import type {
  ChatCompletionChunk,
  ChatCompletionRequestStreaming,
  ChatCompletionTokenLogprob,
  CompletionUsage,
  ModelRecord,
} from '@mlc-ai/web-llm';
import {
  AbortedError,
  ContextWindowExceededError,
  DeviceLostError,
  EngineError,
  ModelFilesInvalidError,
  ModelNotLoadedError,
  NetworkError,
  ShaderF16SupportError,
  StorageQuotaError,
  WebGPUNotAvailableError,
} from './errors';
import type { ChatMessage, GenerateRequest, GenerateUsage, ModelSpec, TokenLogprob } from './types';

/** web-llm's model record for a spec: our record is the only one in the engine's appConfig. */
export function toModelRecord(spec: ModelSpec): ModelRecord {
  const record: ModelRecord = {
    model: spec.modelUrl,
    model_id: spec.modelId,
    model_lib: spec.modelLibUrl,
    overrides: { context_window_size: spec.contextWindow },
  };
  if (spec.vramMB !== undefined) record.vram_required_MB = spec.vramMB;
  if (spec.requiredFeatures && spec.requiredFeatures.length > 0)
    record.required_features = spec.requiredFeatures;
  return record;
}

/** The folder URL web-llm really fetches from: trailing slash, and `resolve/main/` unless a resolve/ part is there. */
export function resolvedModelUrl(modelUrl: string): string {
  let url = modelUrl.endsWith('/') ? modelUrl : modelUrl + '/';
  if (!/.+\/resolve\/.+\//.test(url)) url += 'resolve/main/';
  return new URL(url).href;
}

/**
 * Our request in web-llm's streaming form. Rules kept here: usage is always asked for;
 * `logprobs` without `top_logprobs` records nothing in web-llm, so it defaults to 1 and is clamped to 1..5.
 */
export function toWebLLMRequest(req: GenerateRequest): ChatCompletionRequestStreaming {
  const out: ChatCompletionRequestStreaming = {
    messages: req.messages.map((m) => ({
      role: m.role,
      content: m.content,
    })) as ChatCompletionRequestStreaming['messages'],
    stream: true,
    stream_options: { include_usage: true },
  };
  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.top_p !== undefined) out.top_p = req.top_p;
  if (req.seed !== undefined) out.seed = req.seed;
  if (req.max_tokens !== undefined) out.max_tokens = req.max_tokens;
  if (req.logprobs) {
    out.logprobs = true;
    out.top_logprobs = Math.min(5, Math.max(1, Math.round(req.top_logprobs ?? 1)));
  }
  if (req.response_format && req.response_format.type !== 'text')
    out.response_format = { ...req.response_format };
  if (req.enable_thinking !== undefined) out.extra_body = { enable_thinking: req.enable_thinking };
  return out;
}

/**
 * web-llm's final usage chunk in our units (ms, tokens/s); null rates when web-llm gives none.
 * The one rule for output tokens: the larger of web-llm's `completion_tokens` and the number of
 * content chunks streamed to us (one per decoded token). web-llm 0.2.86 was seen to report one
 * token fewer than it streamed (the token produced by the prefill step); a chunk held back inside
 * a multi-byte character makes the streamed count the smaller one instead.
 */
export function toUsage(
  usage: CompletionUsage | undefined,
  fallbackMs: number,
  streamedPieces = 0,
): GenerateUsage {
  const extra = usage?.extra;
  const rate = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
  return {
    promptTokens: usage?.prompt_tokens ?? 0,
    completionTokens: Math.max(usage?.completion_tokens ?? 0, streamedPieces),
    prefillTokensPerS: rate(extra?.prefill_tokens_per_s),
    decodeTokensPerS: rate(extra?.decode_tokens_per_s),
    timeToFirstTokenMs:
      extra?.time_to_first_token_s !== undefined
        ? Math.round(extra.time_to_first_token_s * 1000)
        : null,
    totalMs:
      extra?.e2e_latency_s !== undefined
        ? Math.round(extra.e2e_latency_s * 1000)
        : Math.round(fallbackMs),
  };
}

export function toTokenLogprobs(items: readonly ChatCompletionTokenLogprob[]): TokenLogprob[] {
  return items.map((t) => ({
    token: t.token,
    logprob: t.logprob,
    top_logprobs: t.top_logprobs.map((c) => ({ token: c.token, logprob: c.logprob })),
  }));
}

/** The content and logprobs of one streamed chunk (the usage chunk has no choices). */
export function chunkParts(chunk: ChatCompletionChunk): {
  delta: string;
  logprobs: ChatCompletionTokenLogprob[];
  finish: string | null;
} {
  const choice = chunk.choices[0];
  return {
    delta: choice?.delta.content ?? '',
    logprobs: choice?.logprobs?.content ?? [],
    finish: choice?.finish_reason ?? null,
  };
}

/** Characters per token for the estimate used when the tokenizer is out of reach (English prose with BPE tokenizers is ~4). */
export const CHARS_PER_TOKEN_ESTIMATE = 3.5;
/** Template tokens per message (role markers, separators) in the estimate. */
export const TOKENS_PER_MESSAGE_ESTIMATE = 6;

/** A conservative token count without a tokenizer: it errs high, so "fits" is rarely wrong. */
export function estimateTokens(messages: ChatMessage[]): number {
  return messages.reduce(
    (n, m) =>
      n + Math.ceil(m.content.length / CHARS_PER_TOKEN_ESTIMATE) + TOKENS_PER_MESSAGE_ESTIMATE,
    0,
  );
}

export type EngineStage = 'load' | 'generate' | 'other';

const NETWORK_TEXT =
  /failed to fetch|networkerror|network error|request failed|load failed|cannot fetch|err_connection/i;

/**
 * Map anything web-llm (or the browser under it) throws to one of our named errors.
 * web-llm sets `name` on its errors, so names are matched, not classes: the classes live in a bundle we never import here.
 */
export function mapWebLLMError(err: unknown, stage: EngineStage): EngineError {
  if (err instanceof EngineError) return err;
  const name =
    err instanceof Error || err instanceof DOMExceptionLike()
      ? (err as Error).name
      : typeof err === 'string'
        ? 'string'
        : 'unknown';
  const message =
    err instanceof Error
      ? err.message
      : typeof err === 'object' && err !== null && 'message' in err
        ? String((err as { message: unknown }).message)
        : String(err);
  const detail: Record<string, unknown> = { cause: { name, message } };
  const url = /(https?:\/\/\S+)/.exec(message)?.[1];
  if (url) detail.url = url;

  switch (name) {
    case 'WebGPUNotAvailableError':
    case 'WebGPUNotFoundError':
      return new WebGPUNotAvailableError(undefined, detail);
    case 'ShaderF16SupportError':
      return new ShaderF16SupportError(undefined, detail);
    case 'FeatureSupportError':
      return /shader-f16/.test(message)
        ? new ShaderF16SupportError(undefined, detail)
        : new WebGPUNotAvailableError(message, detail);
    case 'DeviceLostError':
      return new DeviceLostError(undefined, detail);
    case 'ContextWindowSizeExceededError': {
      const m = /prompt tokens: (\d+); context window size: (\d+)/.exec(message);
      if (m) Object.assign(detail, { promptTokens: Number(m[1]), contextWindow: Number(m[2]) });
      return new ContextWindowExceededError(undefined, detail);
    }
    case 'QuotaExceededError':
      return new StorageQuotaError(undefined, detail);
    case 'ModelNotLoadedError':
    case 'WorkerEngineModelNotLoadedError':
    case 'EngineNotLoadedError':
      return new ModelNotLoadedError(undefined, detail);
    case 'AbortError':
      return new AbortedError(undefined, detail);
    case 'IntegrityError':
    case 'ArtifactManifestError':
    case 'UnsupportedTokenizerFilesError':
    case 'MissingModelWasmError':
    case 'CompileError':
    case 'LinkError':
      return new ModelFilesInvalidError(undefined, detail);
  }
  // web-llm's unload() aborts a running reload with this string as the reason; fetch rethrows it as is.
  if (name === 'string' && /unload\(\) is called/.test(message))
    return new AbortedError(undefined, detail);
  if (/quota/i.test(message)) return new StorageQuotaError(undefined, detail);
  if (
    /Unable to find a compatible GPU|Cannot initialize runtime because of requested/.test(message)
  ) {
    return new WebGPUNotAvailableError(message.split('. ')[0] + '.', detail);
  }
  if (stage === 'load') {
    if (name === 'TypeError' && NETWORK_TEXT.test(message))
      return new NetworkError(undefined, detail);
    if (NETWORK_TEXT.test(message)) return new NetworkError(undefined, detail);
    // A cached HTML page parsed as JSON: the poisoned-cache case of web-llm issue #289.
    if (name === 'SyntaxError') return new ModelFilesInvalidError(undefined, detail);
  }
  return new EngineError(
    message || 'The model engine failed.',
    'Reload the model; if it keeps failing, choose another model.',
    detail,
  );
}

// DOMException is not an Error subclass in every runtime (Node < 17 and some workers).
function DOMExceptionLike(): new (...a: never[]) => unknown {
  return (globalThis as { DOMException?: new (...a: never[]) => unknown }).DOMException ?? Error;
}

/**
 * Whether a failed load should wipe the model's cached files. Network failures, aborts and full
 * disks never cache a bad file (Cache.add stores only complete OK responses), so their
 * finished files stay and the next try resumes; GPU problems say nothing about the files.
 * Everything else may be a poisoned cache (web-llm #289), so it is purged.
 */
export function shouldPurgeAfterFailedLoad(err: EngineError): boolean {
  return !(
    err instanceof NetworkError ||
    err instanceof AbortedError ||
    err instanceof StorageQuotaError ||
    err instanceof WebGPUNotAvailableError ||
    err instanceof ShaderF16SupportError ||
    err instanceof DeviceLostError
  );
}
