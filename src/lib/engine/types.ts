// The JudgeEngine contract: what every engine (web-llm worker, OpenAI-compatible HTTP, test engine) offers.

// The generation side of the contract is the judge core's port; it is re-exported here so engine
// code and its callers keep one import path.
import type { EnginePort } from '../judge/port';
export type {
  ChatMessage,
  EngineKind,
  EnginePort,
  FinishReason,
  GenerateDelta,
  GenerateOptions,
  GenerateRequest,
  GenerateResult,
  GenerateUsage,
  ResponseFormat,
  StreamPace,
  TokenLogprob,
  TopLogprob,
} from '../judge/port';

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
  /** Bytes per ranged request when a GGUF file is downloaded (default: gguf-download's CHUNK_BYTES). */
  ggufChunkBytes?: number;
  /**
   * An OpenAI-compatible server whose "Constrained verdicts" setting names its grammar field: a
   * constrained judgment then runs under the protocol's verdict grammar, not the JSON form.
   */
  verdictGrammar?: boolean;
  /** llama.cpp models: run on llama.cpp's WebGPU backend (every layer on the GPU) instead of the CPU. */
  webgpu?: boolean;
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
  /** Where llama.cpp ran: its WebGPU backend, or the CPU (absent: the CPU). */
  backend?: 'cpu' | 'webgpu';
}

/** What is loaded, as the UI and the judge need to know it. */
export interface LoadedModel {
  spec: ModelSpec;
  loadMs: number;
  calibration?: Calibration;
}

/**
 * A pluggable judge engine: the judge core's port (generate, count tokens) plus loading. Every
 * method may reject with one of the classes in ./errors.
 */
export interface JudgeEngine extends EnginePort {
  load(spec: ModelSpec, opts?: LoadOptions): Promise<LoadedModel>;
  unload(): Promise<void>;
  readonly loaded: LoadedModel | null;
  /** Requests it serves well side by side (a pool of servers); unset means one at a time. */
  readonly parallelism?: number;
}
