// The worker side of the engine: answers protocol requests with web-llm's MLCEngine. The only module that imports web-llm.
import { MLCEngine } from '@mlc-ai/web-llm';
import type { ChatCompletionTokenLogprob, CompletionUsage } from '@mlc-ai/web-llm';
import { deleteModelFiles, listCachedModels, manifestBytes, purgeModel } from './cache';
import { coalescerFor } from './coalesce';
import { queryDevice } from './device';
import { AbortedError, ModelNotLoadedError, serializeError } from './errors';
import { ProgressTracker } from './progress';
import type { Operations, WorkerReply, WorkerRequest } from './protocol';
import type {
  ChatMessage,
  FinishReason,
  GenerateRequest,
  GenerateResult,
  ModelSpec,
  StreamPace,
} from './types';
import {
  chunkParts,
  estimateTokens,
  mapWebLLMError,
  shouldPurgeAfterFailedLoad,
  toModelRecord,
  toTokenLogprobs,
  toUsage,
  toWebLLMRequest,
  type EngineStage,
} from './webllm-adapt';

/**
 * The parts of web-llm's LLMChatPipeline and Conversation that countTokens and logprobs reach.
 * They are private in 0.2.86's types, so every use is guarded and falls back when missing.
 */
interface ConversationLike {
  config: { system_prefix_token_ids?: number[] | null };
  override_system_message?: string;
  appendMessage(role: 'user' | 'assistant', message: string): void;
  appendReplyHeader(role: 'assistant'): void;
  getPromptArray(config: unknown): (string | unknown[])[];
}
interface PipelineLike {
  tokenizer?: { encode(text: string): ArrayLike<number> };
  config?: unknown;
  getConversationObject?(): ConversationLike;
  getTokenLogprobArray?(): ChatCompletionTokenLogprob[];
}

const FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  abort: 'abort',
  tool_calls: 'stop',
};

export class WebLLMHost {
  private engine: MLCEngine | null = null;
  private spec: ModelSpec | null = null;
  private readonly aborted = new Set<number>();
  private running: number | null = null;
  // web-llm serializes generations per model anyway; queueing here keeps `running` truthful for aborts.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly post: (reply: WorkerReply) => void) {}

  /** Answer one request. Never rejects: failures are posted as `error` replies. */
  async handle(msg: WorkerRequest): Promise<void> {
    if (msg.kind === 'abort') return this.abort(msg.target);
    const stage: EngineStage =
      msg.kind === 'load' ? 'load' : msg.kind === 'generate' ? 'generate' : 'other';
    try {
      const value = await this.run(msg);
      this.post({ kind: 'result', id: msg.id, value });
    } catch (e) {
      this.post({ kind: 'error', id: msg.id, error: serializeError(mapWebLLMError(e, stage)) });
    } finally {
      this.aborted.delete(msg.id);
    }
  }

  private async run(
    msg: Exclude<WorkerRequest, { kind: 'abort' }>,
  ): Promise<Operations[typeof msg.kind]['result']> {
    switch (msg.kind) {
      case 'device':
        return queryDevice();
      case 'load':
        return this.load(msg.id, msg.spec);
      case 'generate': {
        const job = this.queue.then(() => this.generate(msg.id, msg.req, msg.stream));
        this.queue = job.catch(() => undefined);
        return job;
      }
      case 'countTokens':
        return this.countTokens(msg.messages);
      case 'unload':
        await this.engine?.unload();
        this.spec = null;
        return null;
      case 'cacheList':
        return listCachedModels(msg.specs);
      case 'cacheDelete':
        // Not web-llm's deleteModelAllInfoInCache: it fetches the manifest first and fails offline.
        return { deleted: await deleteModelFiles(msg.spec) };
    }
  }

  private abort(target: number): void {
    this.aborted.add(target);
    if (this.running === target) void this.engine?.interruptGenerate();
  }

  private async load(id: number, spec: ModelSpec): Promise<{ loadMs: number }> {
    const tracker = new ProgressTracker();
    this.post({ kind: 'progress', id, progress: tracker.start() });
    this.engine ??= new MLCEngine();
    const engine = this.engine;
    this.spec = null;
    // Our record is the only one: a model id from the prebuilt list can never pick up other URLs.
    engine.setAppConfig({ cacheBackend: 'cache', model_list: [toModelRecord(spec)] });
    // The manifest is cached before the shards, so its exact size is known from the first shard on.
    let sizing = false;
    engine.setInitProgressCallback((r) => {
      this.post({ kind: 'progress', id, progress: tracker.update(r) });
      if (tracker.hasExactTotal || sizing) return;
      sizing = true;
      void manifestBytes(spec).then((bytes) => {
        if (bytes !== null) tracker.setExactTotal(bytes);
        sizing = false;
      });
    });
    const t0 = performance.now();
    try {
      await engine.reload(spec.modelId);
    } catch (e) {
      const err = mapWebLLMError(e, 'load');
      // The browser's "Failed to fetch" names no file; the model at least tells the user where to look.
      Object.assign(err.detail, {
        modelId: spec.modelId,
        modelUrl: spec.modelUrl,
        modelLibUrl: spec.modelLibUrl,
      });
      if (shouldPurgeAfterFailedLoad(err)) err.detail.purgedEntries = await purgeModel(spec);
      throw err;
    } finally {
      engine.setInitProgressCallback(undefined);
    }
    // reload() swallows its own AbortError and resolves: a load that was stopped must not look loaded.
    if (this.aborted.has(id)) throw new AbortedError();
    this.spec = spec;
    return { loadMs: Math.round(performance.now() - t0) };
  }

  private loadedEngine(): MLCEngine {
    if (!this.engine || !this.spec) throw new ModelNotLoadedError();
    return this.engine;
  }

  private pipeline(): PipelineLike | undefined {
    const map = (
      this.engine as unknown as { loadedModelIdToPipeline?: Map<string, PipelineLike> } | null
    )?.loadedModelIdToPipeline;
    return this.spec && map instanceof Map ? map.get(this.spec.modelId) : undefined;
  }

  private async generate(
    id: number,
    req: GenerateRequest,
    stream?: StreamPace | false,
  ): Promise<GenerateResult> {
    const engine = this.loadedEngine();
    if (this.aborted.has(id)) throw new AbortedError();
    const t0 = performance.now();
    let text = '';
    let finish: string | null = null;
    let usage: CompletionUsage | undefined;
    let pieces = 0;
    const streamed: ChatCompletionTokenLogprob[] = [];
    this.running = id;
    const out = coalescerFor(stream, (delta, tokens) =>
      this.post({ kind: 'token', id, delta, tokens }),
    );
    try {
      const stream = await engine.chatCompletion(toWebLLMRequest(req));
      for await (const chunk of stream) {
        const part = chunkParts(chunk);
        if (part.delta) {
          pieces += 1;
          text += part.delta;
          out?.push(part.delta);
        }
        streamed.push(...part.logprobs);
        finish = part.finish ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      out?.flush();
    } finally {
      out?.cancel();
      this.running = null;
    }
    if (this.aborted.has(id)) throw new AbortedError(undefined, { partialText: text });
    let logprobs: GenerateResult['logprobs'] = null;
    if (req.logprobs) {
      // Streaming skips chunks that end inside a multi-byte character, and their logprobs with them;
      // the pipeline keeps them all.
      const all = this.pipeline()?.getTokenLogprobArray?.();
      logprobs = toTokenLogprobs(
        Array.isArray(all) && all.length >= streamed.length ? all : streamed,
      );
    }
    return {
      text,
      usage: toUsage(usage, performance.now() - t0, pieces),
      logprobs,
      finishReason: FINISH[finish ?? ''] ?? 'stop',
    };
  }

  /** Exact count with the loaded model's chat template and tokenizer when web-llm's internals allow; else an estimate. */
  private countTokens(messages: ChatMessage[]): { count: number; exact: boolean } {
    this.loadedEngine();
    const pipeline = this.pipeline();
    try {
      const conv = pipeline?.getConversationObject?.();
      const tokenizer = pipeline?.tokenizer;
      if (conv && tokenizer) {
        const Conversation = conv.constructor as new (
          config: unknown,
          isTextCompletion: boolean,
        ) => ConversationLike;
        const fresh = new Conversation(conv.config, false);
        for (const m of messages) {
          if (m.role === 'system') fresh.override_system_message = m.content;
          else fresh.appendMessage(m.role, m.content);
        }
        fresh.appendReplyHeader('assistant');
        let count = conv.config.system_prefix_token_ids?.length ?? 0;
        for (const p of fresh.getPromptArray(pipeline.config))
          if (typeof p === 'string') count += tokenizer.encode(p).length;
        return { count, exact: true };
      }
    } catch {
      // Internals changed shape: fall through to the estimate rather than fail a judgment.
    }
    return { count: estimateTokens(messages), exact: false };
  }
}
