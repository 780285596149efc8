// Main-thread JudgeEngine that drives web-llm in a dedicated worker; it imports no web-llm code, only our protocol.
import type { CachedModel } from './cache';
import type { DeviceInfo } from './device';
import { AbortedError, EngineCrashedError, ModelNotLoadedError, deserializeError } from './errors';
import { isWorkerReply, type OperationKind, type Operations, type WorkerRequest } from './protocol';
import type {
  ChatMessage,
  GenerateOptions,
  GenerateRequest,
  GenerateResult,
  JudgeEngine,
  LoadOptions,
  LoadProgress,
  LoadedModel,
  ModelSpec,
} from './types';

/** What the engine needs from a Worker; tests pass their own. */
export interface WorkerLike {
  postMessage(message: WorkerRequest): void;
  terminate(): void;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onerror: ((ev: ErrorEvent) => unknown) | null;
  onmessageerror: ((ev: MessageEvent) => unknown) | null;
}

export type WorkerFactory = () => WorkerLike;

/** The real worker. The `new URL(…, import.meta.url)` form is what Vite looks for to bundle the worker. */
export const createWebLLMWorker: WorkerFactory = () =>
  new Worker(new URL('./webllm.worker.ts', import.meta.url), {
    type: 'module',
    name: 'arbiter-webllm',
  });

interface Pending {
  kind: OperationKind;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  onProgress?: ((p: LoadProgress) => void) | undefined;
  onToken?: GenerateOptions['onToken'];
  /** The text streamed so far, built from the deltas. */
  text: string;
  cleanup: () => void;
}

interface CallOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((p: LoadProgress) => void) | undefined;
  onToken?: GenerateOptions['onToken'];
}

export class WebLLMEngine implements JudgeEngine {
  private worker: WorkerLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private current: LoadedModel | null = null;
  private loadingId: number | null = null;
  /** Whether the last countTokens used the model's tokenizer (true) or the estimate (false). */
  lastCountExact: boolean | null = null;

  /**
   * `kind` names the engine in stored judgments: the llama.cpp engine and the e2e build's test
   * engine run in their own workers through this same client, and their judgments must not pass
   * for web-llm's.
   */
  constructor(
    private readonly createWorker: WorkerFactory = createWebLLMWorker,
    readonly kind: 'webllm' | 'wllama' | 'test' = 'webllm',
  ) {}

  get loaded(): LoadedModel | null {
    return this.current;
  }

  /** The GPU as the worker sees it (web-llm runs there, so this is the adapter it will get). */
  device(): Promise<DeviceInfo> {
    return this.call('device', {});
  }

  /**
   * Load a model, reporting progress by phase. Aborting terminates the worker: web-llm's own
   * reload interruption resolves silently mid-download, and a fresh worker also frees the GPU.
   * A second load while one runs cancels the first the same way.
   */
  async load(spec: ModelSpec, opts: LoadOptions = {}): Promise<LoadedModel> {
    if (this.loadingId !== null)
      this.restart(new AbortedError('Another model load replaced this one.'));
    this.current = null;
    const id = this.nextId;
    this.loadingId = id;
    try {
      const { loadMs, calibration } = await this.call(
        'load',
        { spec },
        { signal: opts.signal, onProgress: opts.onProgress },
      );
      this.current = calibration ? { spec, loadMs, calibration } : { spec, loadMs };
      return this.current;
    } finally {
      if (this.loadingId === id) this.loadingId = null;
    }
  }

  generate(req: GenerateRequest, opts: GenerateOptions = {}): Promise<GenerateResult> {
    if (!this.current) return Promise.reject(new ModelNotLoadedError());
    const stream = opts.onToken ? opts.pace : false;
    return this.call('generate', stream === undefined ? { req } : { req, stream }, {
      signal: opts.signal,
      onToken: opts.onToken,
    });
  }

  async countTokens(messages: ChatMessage[]): Promise<number> {
    if (!this.current) throw new ModelNotLoadedError();
    const { count, exact } = await this.call('countTokens', { messages });
    this.lastCountExact = exact;
    return count;
  }

  async unload(): Promise<void> {
    this.current = null;
    if (this.worker) await this.call('unload', {});
  }

  /** Cached size of the given models, answered by the worker (the main thread can use ./cache directly too). */
  listCached(specs: ModelSpec[]): Promise<CachedModel[]> {
    return this.call('cacheList', { specs });
  }

  deleteCached(spec: ModelSpec): Promise<{ deleted: number }> {
    return this.call('cacheDelete', { spec });
  }

  /** Stop the worker for good; pending calls reject with AbortedError. */
  dispose(): void {
    this.restart(new AbortedError('The engine was closed.'));
  }

  private ensureWorker(): WorkerLike {
    if (this.worker) return this.worker;
    const w = this.createWorker();
    this.worker = w;
    // Handlers check `w === this.worker` so a terminated worker's last messages cannot touch the new one's calls.
    w.onmessage = (ev) => {
      if (w === this.worker) this.receive(ev.data);
    };
    w.onerror = (ev) => {
      if (w !== this.worker) return;
      ev.preventDefault?.();
      this.restart(
        new EngineCrashedError(undefined, {
          message: ev.message || 'worker error',
          filename: ev.filename,
          lineno: ev.lineno,
        }),
      );
    };
    w.onmessageerror = () => {
      if (w === this.worker)
        this.restart(new EngineCrashedError('A message from the model engine could not be read.'));
    };
    return w;
  }

  /** Terminate the worker and reject everything pending with `reason`; the next call starts a fresh worker. */
  private restart(reason: Error): void {
    this.worker?.terminate();
    this.worker = null;
    this.current = null;
    this.loadingId = null;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      p.cleanup();
      p.reject(reason);
    }
  }

  private receive(data: unknown): void {
    if (!isWorkerReply(data)) return;
    // Replies for requests that were aborted or replaced are stale: dropped by id.
    const p = this.pending.get(data.id);
    if (!p) return;
    switch (data.kind) {
      case 'progress':
        p.onProgress?.(data.progress);
        return;
      case 'token':
        p.text += data.delta;
        p.onToken?.({ delta: data.delta, text: p.text, tokens: data.tokens });
        return;
      case 'result':
        this.settle(data.id);
        p.resolve(data.value);
        return;
      case 'error': {
        this.settle(data.id);
        const err = deserializeError(data.error);
        // The worker unloads before it loads, so a failed load leaves nothing loaded.
        if (p.kind === 'load') this.current = null;
        p.reject(err);
        return;
      }
    }
  }

  private settle(id: number): void {
    this.pending.get(id)?.cleanup();
    this.pending.delete(id);
  }

  private call<K extends OperationKind>(
    kind: K,
    payload: Operations[K]['payload'],
    opts: CallOptions = {},
  ): Promise<Operations[K]['result']> {
    if (opts.signal?.aborted) return Promise.reject(new AbortedError());
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<Operations[K]['result']>((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.has(id)) return;
        if (kind === 'load') {
          // Other calls on this worker die with it; they get the same answer.
          this.restart(new AbortedError('Model load stopped.'));
          return;
        }
        this.settle(id);
        worker.postMessage({ kind: 'abort', id: this.nextId++, target: id });
        reject(new AbortedError());
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        kind,
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: opts.onProgress,
        onToken: opts.onToken,
        text: '',
        cleanup: () => opts.signal?.removeEventListener('abort', onAbort),
      });
      try {
        worker.postMessage({ kind, id, ...payload } as WorkerRequest);
      } catch (e) {
        this.settle(id);
        reject(
          new EngineCrashedError('Could not send a request to the model engine.', {
            message: String(e),
          }),
        );
      }
    });
  }
}
