// The one message protocol between WebLLMEngine (main thread) and the web-llm worker.
import type { DeviceInfo } from './device';
import type { SerializedError } from './errors';
import type { CachedModel } from './cache';
import type {
  Calibration,
  ChatMessage,
  GenerateRequest,
  GenerateResult,
  LoadProgress,
  ModelSpec,
  StreamPace,
} from './types';

/**
 * Every operation the worker answers: its request payload and the value of its `result`.
 * Adding an operation here types both ends at once.
 */
export interface Operations {
  device: { payload: Record<string, never>; result: DeviceInfo };
  load: { payload: { spec: ModelSpec }; result: { loadMs: number; calibration?: Calibration } };
  /**
   * `stream`: how to send the text as it comes, or false to send none (no one watches it: a
   * batch run's messages would cost the page for nothing). Default: the default pace.
   */
  generate: {
    payload: { req: GenerateRequest; stream?: StreamPace | false };
    result: GenerateResult;
  };
  countTokens: { payload: { messages: ChatMessage[] }; result: { count: number; exact: boolean } };
  unload: { payload: Record<string, never>; result: null };
  /** Cached size of each given model, for callers that keep the engine's view of the caches. */
  cacheList: { payload: { specs: ModelSpec[] }; result: CachedModel[] };
  /** Delete a model's files: web-llm's own deletion first, then every key under its URLs. */
  cacheDelete: { payload: { spec: ModelSpec }; result: { deleted: number } };
}

export type OperationKind = keyof Operations;

/** Main thread → worker: one request per operation, or a cancel of an earlier request. */
export type WorkerRequest =
  | { [K in OperationKind]: { kind: K; id: number } & Operations[K]['payload'] }[OperationKind]
  | { kind: 'abort'; id: number; target: number };

/**
 * Worker → main thread. Progress and token deltas are their own kinds; every reply names its request id.
 * A token message carries only its delta (the client keeps the text, so a message costs O(delta),
 * not O(text)), and may join several tokens: `tokens` says how many.
 */
export type WorkerReply =
  | { kind: 'progress'; id: number; progress: LoadProgress }
  | { kind: 'token'; id: number; delta: string; tokens: number }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: SerializedError };

const REPLY_KINDS = new Set(['progress', 'token', 'result', 'error']);

/** Guard for anything arriving on the main thread's onmessage: foreign messages are ignored, not trusted. */
export function isWorkerReply(data: unknown): data is WorkerReply {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as { kind?: unknown; id?: unknown };
  return typeof d.kind === 'string' && REPLY_KINDS.has(d.kind) && typeof d.id === 'number';
}

const REQUEST_KINDS = new Set<string>([
  'device',
  'load',
  'generate',
  'countTokens',
  'unload',
  'cacheList',
  'cacheDelete',
  'abort',
]);

export function isWorkerRequest(data: unknown): data is WorkerRequest {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as { kind?: unknown; id?: unknown };
  return typeof d.kind === 'string' && REQUEST_KINDS.has(d.kind) && typeof d.id === 'number';
}
