// The JudgeEngine contract: what every engine (web-llm worker, OpenAI-compatible HTTP, test engine) offers.

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
 * Load progress. web-llm's progress is not monotonic (0→1 fetching, then again loading from cache),
 * so it always comes with its phase.
 */
export type LoadPhase = 'checking' | 'downloading' | 'loading-from-cache' | 'compiling' | 'ready';

export interface LoadProgress {
  phase: LoadPhase;
  /** 0..1 within the phase, when known. */
  fraction: number | null;
  loadedBytes: number | null;
  totalBytes: number | null;
  elapsedMs: number;
  /** When this phase began, ms since the load began (absent: unknown, taken as `elapsedMs`). */
  phaseStartedMs?: number;
  /** Estimated ms left in this phase, when it can be estimated. */
  etaMs: number | null;
  /** The engine's own words, for the curious. */
  text: string;
}

/** What the engine needs to load a model. */
export interface ModelSpec {
  /**
   * Which engine serves it; absent means web-llm. For 'openai', `modelUrl` is the server endpoint.
   * For 'wllama' (llama.cpp), `modelUrl` is the folder its GGUF parts are stored under and
   * `modelLibUrl` is unused (the engine's wasm ships with the app).
   */
  engine?: 'webllm' | 'openai' | 'wllama';
  /** Unique id, e.g. "Qwen3-4B-q4f32_1-MLC". */
  modelId: string;
  /** Absolute URL of the model folder (weights, config, tokenizer). */
  modelUrl: string;
  /** Absolute URL of the compiled model library (.wasm). */
  modelLibUrl: string;
  contextWindow: number;
  /** Whether the model thinks in <think>…</think> before answering. */
  thinking: boolean;
  vramMB?: number;
  requiredFeatures?: string[];
  /** llama.cpp models: absolute URLs of the GGUF file, or of every part of a split model in order. */
  ggufFiles?: string[];
}

export interface LoadOptions {
  onProgress?: (p: LoadProgress) => void;
  signal?: AbortSignal;
}

/** Speed measured on this machine right after a load (engines that calibrate: llama.cpp). */
export interface Calibration {
  decodeTokensPerS: number;
  prefillTokensPerS: number | null;
  /** CPU threads the engine runs on, and whether the page could have more (cross-origin isolated). */
  threads?: number;
  isolated?: boolean;
}

/** What is loaded, as the UI and the judge need to know it. */
export interface LoadedModel {
  spec: ModelSpec;
  loadMs: number;
  calibration?: Calibration;
}

/** A pluggable judge engine. Every method may reject with one of the classes in ./errors. */
export interface JudgeEngine {
  readonly kind: 'webllm' | 'openai' | 'wllama' | 'test';
  load(spec: ModelSpec, opts?: LoadOptions): Promise<LoadedModel>;
  generate(req: GenerateRequest, opts?: GenerateOptions): Promise<GenerateResult>;
  /** Count the tokens the messages would take with the loaded model's chat template. */
  countTokens(messages: ChatMessage[]): Promise<number>;
  unload(): Promise<void>;
  readonly loaded: LoadedModel | null;
}
