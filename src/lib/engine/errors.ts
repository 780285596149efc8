// Named engine errors whose messages tell the user what to do; they survive the trip across the worker.

import { AbortedError, EngineError } from '../judge/port';

// The base class and AbortedError are part of the judge core's port (the judge stops on an abort).
export { AbortedError, EngineError };

/** The shape an error takes on the wire between worker and main thread. */
export interface SerializedError {
  name: string;
  message: string;
  detail?: Record<string, unknown>;
}

export class WebGPUNotAvailableError extends EngineError {
  override name = 'WebGPUNotAvailableError';
  constructor(
    message = 'This browser does not offer WebGPU, which Arbiter needs to run a model.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Use a recent Chrome or Edge (113+) on desktop, or Chrome 121+ on Android. In Firefox Nightly set dom.webgpu.enabled; in Safari 18+ turn on the WebGPU feature flag. On Linux, Chrome may need --enable-unsafe-webgpu and --enable-features=Vulkan. Or point Arbiter at an OpenAI-compatible server instead.',
      detail,
    );
  }
}

export class ShaderF16SupportError extends EngineError {
  override name = 'ShaderF16SupportError';
  constructor(
    message = 'This model needs 16-bit float shaders (shader-f16), which this GPU does not offer.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Choose the q4f32 variant of the same model; Arbiter lists only those on this device.',
      detail,
    );
  }
}

export class DeviceLostError extends EngineError {
  override name = 'DeviceLostError';
  constructor(
    message = 'The GPU device was lost, most often because the model did not fit in GPU memory.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Close other GPU-heavy tabs, then load a smaller model or a -1k context variant. Reloading the page resets the GPU.',
      detail,
    );
  }
}

export class ContextWindowExceededError extends EngineError {
  override name = 'ContextWindowExceededError';
  constructor(
    message = 'The input does not fit in the model’s context window.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Shorten the prompt or answers, lower the maximum output tokens, or choose a model with a larger context window.',
      detail,
    );
  }
}

export class StorageQuotaError extends EngineError {
  override name = 'StorageQuotaError';
  constructor(
    message = 'The browser ran out of storage space for the model files.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Delete cached models you no longer need (Models → Cache), free disk space, or ask for persistent storage; then retry.',
      detail,
    );
  }
}

export class NetworkError extends EngineError {
  override name = 'NetworkError';
  constructor(
    message = 'The model files could not be downloaded.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Check your connection and retry: files already downloaded are kept, so the download continues where it stopped. Offline, load a model from local files.',
      detail,
    );
  }
}

export class ModelNotLoadedError extends EngineError {
  override name = 'ModelNotLoadedError';
  constructor(message = 'No model is loaded.', detail: Record<string, unknown> = {}) {
    super(message, 'Load a model first (Models).', detail);
  }
}

export class EngineCrashedError extends EngineError {
  override name = 'EngineCrashedError';
  constructor(
    message = 'The model engine stopped unexpectedly.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Reload the model. If it happens again, reload the page or choose a smaller model.',
      detail,
    );
  }
}

export class ModelFilesInvalidError extends EngineError {
  override name = 'ModelFilesInvalidError';
  constructor(
    message = 'The model files are not what the engine expected; a server may have answered with a web page instead of a file.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Arbiter removed this model’s cached files. Check that the model URL points to an MLC model folder and the library URL to its .wasm, then retry.',
      detail,
    );
  }
}

export class InvalidModelSpecError extends EngineError {
  override name = 'InvalidModelSpecError';
  constructor(
    message = 'The custom model settings are not valid.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Give absolute http(s) URLs: the model folder (with mlc-chat-config.json) and the compiled library ending in .wasm.',
      detail,
    );
  }
}

/** The OpenAI-compatible server could not be reached at all (refused, DNS, CORS, mixed content). */
export class ServerUnreachableError extends EngineError {
  override name = 'ServerUnreachableError';
  constructor(message = 'The server could not be reached.', detail: Record<string, unknown> = {}) {
    super(
      message,
      'Check the URL and that the server is running. From the browser the server must allow this page’s origin (CORS): vLLM --allowed-origins, llama.cpp allows all by default, Ollama OLLAMA_ORIGINS, LM Studio “Enable CORS”. An https page cannot call an http server other than localhost.',
      detail,
    );
  }
}

/** The server answered with an error status (4xx other than 401/403/429, or 5xx). */
export class ServerError extends EngineError {
  override name = 'ServerError';
  constructor(
    message = 'The server answered with an error.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Read the server’s message above; check the model name and the server log. Server errors (5xx) are retried automatically a few times.',
      detail,
    );
  }
}

/** 401/403: the key is missing or wrong. */
export class ServerAuthError extends EngineError {
  override name = 'ServerAuthError';
  constructor(
    message = 'The server refused the request: the API key is missing or wrong.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Enter the server’s API key (Models → OpenAI-compatible server, or --api-key / ARBITER_API_KEY in the CLI).',
      detail,
    );
  }
}

/** 429, or 503 with Retry-After: the server asks us to slow down. `detail.retryAfterMs` when it said how long. */
export class RateLimitError extends EngineError {
  override name = 'RateLimitError';
  constructor(
    message = 'The server is busy and asked to slow down.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Arbiter waits and retries on its own; if this persists, lower the concurrency.',
      detail,
    );
  }
}

/** No byte arrived within the timeout. */
export class ServerTimeoutError extends EngineError {
  override name = 'ServerTimeoutError';
  constructor(
    message = 'The server did not answer in time.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'The server may be overloaded or the model still loading: retry, raise the timeout, or lower the concurrency.',
      detail,
    );
  }
}

/** The stream ended before the server said it was finished (connection dropped). */
export class StreamDroppedError extends EngineError {
  override name = 'StreamDroppedError';
  constructor(
    message = 'The connection to the server dropped in the middle of an answer.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Arbiter retries such requests on its own; if it keeps happening, check the server and any proxy in between.',
      detail,
    );
  }
}

export class MissingModelFileError extends EngineError {
  override name = 'MissingModelFileError';
  constructor(
    message = 'A file the model needs is missing from the files you chose.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Choose the whole model folder (mlc-chat-config.json, tensor-cache.json or ndarray-cache.json, every params_shard file, the tokenizer files) together with the model library (.wasm), then try again. Nothing was stored.',
      detail,
    );
  }
}

export class ModelFileMismatchError extends EngineError {
  override name = 'ModelFileMismatchError';
  constructor(
    message = 'A model file is not what its name says (wrong size, or not the right format).',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'The file may be damaged or only partly copied. Copy the model folder again from its source, then retry. Nothing was stored.',
      detail,
    );
  }
}

export class ModelLibraryMismatchError extends EngineError {
  override name = 'ModelLibraryMismatchError';
  constructor(
    message = 'The model library (.wasm) does not fit these weights or this version of Arbiter.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Use the library built for this model and quantization for web-llm 0.2.86 (binary-mlc-llm-libs, folder web-llm-models/v0_2_86), or compile one with MLC LLM for that version. Nothing was stored.',
      detail,
    );
  }
}

export class ModelWeightsMismatchError extends EngineError {
  override name = 'ModelWeightsMismatchError';
  constructor(
    message = 'These weights belong to another model than the one chosen.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Check that the weight files, mlc-chat-config.json and the library come from the same model folder. Nothing was stored.',
      detail,
    );
  }
}

export class NotGgufError extends EngineError {
  override name = 'NotGgufError';
  constructor(
    message = 'This file is not a GGUF model (it does not start with the GGUF signature).',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Choose a .gguf model file as llama.cpp, Ollama or LM Studio keep them (for Ollama, the largest blob in its models folder). Nothing was stored.',
      detail,
    );
  }
}

export class GgufTruncatedError extends EngineError {
  override name = 'GgufTruncatedError';
  constructor(
    message = 'This GGUF file is cut short: its header promises more data than the file holds.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'The download or copy stopped early. Download or copy the file again, then retry. Nothing was stored.',
      detail,
    );
  }
}

export class UnsupportedArchitectureError extends EngineError {
  override name = 'UnsupportedArchitectureError';
  constructor(
    message = 'llama.cpp in Arbiter cannot run this model architecture.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Choose a GGUF of a text model llama.cpp supports (Llama, Qwen, Mistral, Phi, Gemma, …). Nothing was stored.',
      detail,
    );
  }
}

export class MissingSplitPartError extends EngineError {
  override name = 'MissingSplitPartError';
  constructor(
    message = 'A part of this split GGUF model is missing.',
    detail: Record<string, unknown> = {},
  ) {
    super(
      message,
      'Choose every part together (model-00001-of-0000N.gguf … model-0000N-of-0000N.gguf), then retry. Nothing was stored.',
      detail,
    );
  }
}

const registry = {
  EngineError,
  WebGPUNotAvailableError,
  ShaderF16SupportError,
  DeviceLostError,
  ContextWindowExceededError,
  StorageQuotaError,
  NetworkError,
  ModelNotLoadedError,
  AbortedError,
  EngineCrashedError,
  ModelFilesInvalidError,
  InvalidModelSpecError,
  ServerUnreachableError,
  ServerError,
  ServerAuthError,
  RateLimitError,
  ServerTimeoutError,
  StreamDroppedError,
  MissingModelFileError,
  ModelFileMismatchError,
  ModelLibraryMismatchError,
  ModelWeightsMismatchError,
  NotGgufError,
  GgufTruncatedError,
  UnsupportedArchitectureError,
  MissingSplitPartError,
} as const;

export type EngineErrorName = keyof typeof registry;

/** Flatten any thrown value for postMessage; named engine errors keep their name. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof EngineError)
    return { name: err.name, message: err.message, detail: err.detail };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

/** Rebuild an error of the right class from its wire form; unknown names become EngineError. */
export function deserializeError(s: SerializedError): EngineError {
  const Ctor = (
    registry as Record<string, new (m?: string, d?: Record<string, unknown>) => EngineError>
  )[s.name];
  if (Ctor && Ctor !== EngineError) return new Ctor(s.message, s.detail ?? {});
  const e = new EngineError(s.message, '', s.detail ?? {});
  e.name = s.name === 'EngineError' ? 'EngineError' : s.name;
  return e;
}
