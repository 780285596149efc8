// The worker side of the llama.cpp engine: answers protocol requests with @wllama/wllama on GGUF models. The only module that imports wllama.
import { Wllama, WllamaError } from '@wllama/wllama';
import type { ChatCompletionChunk, ChatCompletionParams } from '@wllama/wllama';
import wasmUrl from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import { GGUF_CACHE, deleteModelFiles, listCachedModels } from './cache';
import { coalescerFor } from './coalesce';
import { downloadToCache } from './gguf-download';
import { queryDevice } from './device';
import {
  AbortedError,
  ContextWindowExceededError,
  DeviceLostError,
  EngineCrashedError,
  EngineError,
  MissingModelFileError,
  ModelNotLoadedError,
  serializeError,
} from './errors';
import type { Operations, WorkerReply, WorkerRequest } from './protocol';
import type {
  Calibration,
  FinishReason,
  GenerateRequest,
  GenerateResult,
  LoadProgress,
  ModelSpec,
  StreamPace,
  TokenLogprob,
} from './types';
import { estimateTokens } from './webllm-adapt';
import { jsonSchemaToGbnf } from './gbnf';

/** n_gpu_layers for "every layer": llama.cpp caps it at the model's layer count. */
export const GPU_LAYERS_ALL = 999;

/** The context llama.cpp allocates: the model's own, capped so a 128K model does not take GBs of KV cache. */
export const MAX_CONTEXT = 8192;

/**
 * Threads for llama.cpp: one without cross-origin isolation (no SharedArrayBuffer); else every
 * core but one, at most 8. Why never every core: ggml's CPU threads wait for each other at a
 * barrier after every graph node by spinning (ggml_barrier in ggml-cpu.c loops on an atomic with
 * ggml_thread_cpu_relax, no sleep), and wllama 3.13.0 keeps that threadpool (cpp/wllama-context.h
 * only shares it). A spinning thread whose peer is descheduled burns its time slice for nothing,
 * so on a busy machine more threads are slower: on a 2-core machine at load 15-25, 2 threads were
 * 20 times slower than 1 (bench:engine, bare wllama, medians 3.8 vs 82 tok/s on the 0.6 MB model,
 * 0.7 vs 13 tok/s on the 100 MB one; bench/results/engine.txt). The spare core leaves room for the
 * page, the browser and whatever else runs; a 2-core machine gets one thread.
 */
export function threadCount(isolated: boolean, cores: number): number {
  return isolated ? Math.max(1, Math.min(cores - 1, 8)) : 1;
}

/**
 * Layers llama.cpp put on the GPU, from its load log ("load_tensors: offloaded 3/3 layers to
 * GPU"); null when the log does not say.
 */
export function offloadedLayers(log: readonly string[]): { gpu: number; total: number } | null {
  for (const line of log) {
    const m = /offloaded (\d+)\/(\d+) layers to GPU/.exec(line);
    if (m) return { gpu: Number(m[1]), total: Number(m[2]) };
  }
  return null;
}

/** Our request in wllama's chat-completion form (streaming and the abort signal are added by the caller). */
export function toWllamaRequest(req: GenerateRequest): ChatCompletionParams {
  const out: ChatCompletionParams = {
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
    temperature: req.temperature ?? 0,
    max_tokens: req.max_tokens ?? 512,
    // The KV cache of the previous request is reused when a prompt shares its prefix (the second order of a pair).
    cache_prompt: true,
  };
  if (req.top_p !== undefined) out.top_p = req.top_p;
  if (req.seed !== undefined) out.seed = req.seed;
  const rf = req.response_format;
  if (rf?.type === 'grammar') out.grammar = rf.grammar;
  // A JSON schema goes to llama.cpp as our own GBNF, not as response_format: in wllama 3.13.0 both
  // json_object and json_schema reach the sampler as an empty grammar ("error initializing grammar
  // sampler for grammar:" with nothing after it, then "Failed to initialize samplers"), whatever
  // the vocabulary; the same failure as llama.cpp issue #23775 (json_schema with a ChatML
  // template). Ours also bounds the reasoning so the verdict always fits in max_tokens.
  if (rf?.type === 'json_object' && rf.schema) {
    const grammar = jsonSchemaToGbnf(rf.schema, out.max_tokens ?? 512);
    if (grammar) out.grammar = grammar;
  }
  // Logprobs only under one of our grammars, and as post-sampling probabilities. In wllama 3.13.0
  // a token that is part of a UTF-8 character (a byte-fallback token, common among top-logprob
  // candidates of real vocabularies too) makes its result JSON dump throw "[json.exception.
  // type_error.316] invalid UTF-8 byte" (wllama-context.h dumps without error_handler_t::replace,
  // unlike llama-server; cf. llama.cpp issue #9195), and the glue then reads a garbage length:
  // "Invalid typed array length". Post-sampling candidates are the tokens the grammar allows, and
  // our verdict grammars allow printable ASCII only, so no candidate is part of a character
  // (measured on the generated GGUF: raw candidates crash, post-sampling ones under the letter
  // grammar do not). With top_k/top_p/min_p off, they are the model's distribution over exactly
  // those tokens, which is what a verdict's probability means. Without a grammar: no logprobs.
  if (req.logprobs && rf?.type === 'grammar') {
    out.logprobs = true;
    out.top_logprobs = Math.min(20, Math.max(1, req.top_logprobs ?? 5));
    // A top_p the user chose stays: the probabilities are then those of what it leaves.
    Object.assign(out, { post_sampling_probs: true, top_k: 0, top_p: req.top_p ?? 1, min_p: 0 });
  }
  if (req.enable_thinking !== undefined)
    out.chat_template_kwargs = { enable_thinking: req.enable_thinking };
  return out;
}

/** One candidate as llama.cpp sends it: a logprob, or with post_sampling_probs a probability. */
interface RawCandidate {
  token?: string;
  logprob?: number;
  prob?: number;
}
type RawTokenLogprob = RawCandidate & { top_logprobs?: RawCandidate[]; top_probs?: RawCandidate[] };

/** ln p, kept finite (a token the samplers cut has p = 0) so it survives JSON. */
function logOf(c: RawCandidate): number {
  if (typeof c.logprob === 'number') return c.logprob;
  const p = c.prob ?? 0;
  return p > 0 ? Math.log(p) : -1e4;
}

/** llama.cpp's per-token logprobs (either form) as the port's TokenLogprob. */
export function toTokenLogprobs(content: readonly unknown[] | null | undefined): TokenLogprob[] {
  return (content ?? []).map((raw) => {
    const t = raw as RawTokenLogprob;
    return {
      token: t.token ?? '',
      logprob: logOf(t),
      top_logprobs: (t.top_logprobs ?? t.top_probs ?? []).map((c) => ({
        token: c.token ?? '',
        logprob: logOf(c),
      })),
    };
  });
}

/** wllama's and llama.cpp's failures as Arbiter's named errors. */
export function mapWllamaError(e: unknown): Error {
  if (e instanceof EngineError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof WllamaError && e.type === 'kv_cache_full')
    return new ContextWindowExceededError(undefined, { message });
  if (/context|n_ctx|too long/i.test(message) && /exceed|large|long|full/i.test(message))
    return new ContextWindowExceededError(undefined, { message });
  if (/out of memory|Cannot enlarge memory|Array buffer allocation failed|OOM/i.test(message))
    return new DeviceLostError('The model did not fit in the memory this browser gives a page.', {
      message,
    });
  return new EngineCrashedError(`llama.cpp failed: ${message}`, { message });
}

/** A judge-like prompt for the calibration: about 60 tokens in, 16 out. */
const CALIBRATION_PROMPT =
  'Question: which answer is better? Answer A: water boils at 100 degrees Celsius at sea level. Answer B: water boils at 90 degrees. Explain briefly.';

/**
 * Tokens/s on this machine, measured by llama.cpp itself on a short generation right after the
 * load, so the estimate and the device check never guess. Null when the engine gave no timings.
 */
export async function calibrate(
  wllama: Pick<Wllama, 'createChatCompletion'>,
): Promise<Calibration | null> {
  const r = await wllama.createChatCompletion({
    messages: [{ role: 'user', content: CALIBRATION_PROMPT }],
    max_tokens: 16,
    temperature: 0,
    // A fixed length: an early end of turn would measure too few tokens.
    ignore_eos: true,
  });
  // Sent by llama.cpp (as in the stream's last chunk), though wllama's response type omits it.
  const t = (r as { timings?: { predicted_per_second: number; prompt_per_second: number } })
    .timings;
  if (!t || !(t.predicted_per_second > 0)) return null;
  return {
    decodeTokensPerS: t.predicted_per_second,
    prefillTokensPerS: t.prompt_per_second > 0 ? t.prompt_per_second : null,
  };
}

/** Whether a GGUF URL can be fetched: files added from disk are filed under a `.invalid` host. */
export function downloadable(url: string): boolean {
  try {
    const u = new URL(url);
    return /^https?:$/.test(u.protocol) && !u.hostname.endsWith('.invalid');
  } catch {
    return false;
  }
}

const FINISH: Record<string, FinishReason> = { stop: 'stop', length: 'length', tool_calls: 'stop' };

export class WllamaHost {
  private wllama: Wllama | null = null;
  private spec: ModelSpec | null = null;
  private readonly aborts = new Map<number, AbortController>();
  // llama.cpp runs one generation at a time here; queueing keeps Stop aimed at the right one.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly post: (reply: WorkerReply) => void,
    private readonly caches: Pick<CacheStorage, 'open'> = globalThis.caches,
  ) {}

  /** Answer one request. Never rejects: failures are posted as `error` replies. */
  async handle(msg: WorkerRequest): Promise<void> {
    if (msg.kind === 'abort') {
      this.aborts.get(msg.target)?.abort();
      return;
    }
    const abort = new AbortController();
    this.aborts.set(msg.id, abort);
    try {
      const value = await this.run(msg, abort.signal);
      this.post({ kind: 'result', id: msg.id, value });
    } catch (e) {
      // wllama rejects a stopped request with its own AbortError; only our signal says it was a Stop.
      const err =
        abort.signal.aborted && !(e instanceof AbortedError)
          ? new AbortedError()
          : mapWllamaError(e);
      this.post({ kind: 'error', id: msg.id, error: serializeError(err) });
    } finally {
      this.aborts.delete(msg.id);
    }
  }

  private async run(
    msg: Exclude<WorkerRequest, { kind: 'abort' }>,
    signal: AbortSignal,
  ): Promise<Operations[typeof msg.kind]['result']> {
    switch (msg.kind) {
      case 'device':
        return queryDevice();
      case 'load':
        return this.load(msg.id, msg.spec, signal);
      case 'generate': {
        const job = this.queue.then(() => this.generate(msg.id, msg.req, signal, msg.stream));
        this.queue = job.catch(() => undefined);
        return job;
      }
      case 'countTokens':
        return { count: estimateTokens(msg.messages), exact: false };
      case 'unload':
        await this.unload();
        return null;
      case 'cacheList':
        return listCachedModels(msg.specs);
      case 'cacheDelete':
        return { deleted: await deleteModelFiles(msg.spec) };
    }
  }

  private async unload(): Promise<void> {
    const w = this.wllama;
    this.wllama = null;
    this.spec = null;
    await w?.exit();
  }

  /** One report per phase, sent as the phase begins. */
  private progress(id: number, p: Omit<LoadProgress, 'elapsedMs'>, t0: number): void {
    const elapsedMs = Math.round(performance.now() - t0);
    this.post({ kind: 'progress', id, progress: { ...p, elapsedMs, phaseStartedMs: elapsedMs } });
  }

  /** Download the parts of a catalog model that are not stored yet, resuming any cut-off part. */
  private async download(
    id: number,
    urls: string[],
    cache: Cache,
    signal: AbortSignal,
    t0: number,
    chunkBytes: number | undefined,
  ) {
    const missing: string[] = [];
    for (const url of urls) if (!(await cache.match(url)) && downloadable(url)) missing.push(url);
    for (const [i, url] of missing.entries()) {
      const part = missing.length > 1 ? ` (part ${i + 1} of ${missing.length})` : '';
      await downloadToCache(url, cache, {
        signal,
        ...(chunkBytes ? { chunkBytes } : {}),
        onProgress: (p) =>
          this.progress(
            id,
            {
              phase: 'downloading',
              fraction: p.totalBytes ? p.loadedBytes / p.totalBytes : null,
              loadedBytes: p.loadedBytes,
              totalBytes: p.totalBytes,
              etaMs: p.etaMs,
              text:
                p.resumedBytes > 0
                  ? `Resuming the download${part} after ${Math.round(p.resumedBytes / 1e6)} MB`
                  : `Downloading the model${part}`,
            },
            t0,
          ),
      });
    }
  }

  private async load(
    id: number,
    spec: ModelSpec,
    signal: AbortSignal,
  ): Promise<Operations['load']['result']> {
    const t0 = performance.now();
    await this.unload();
    const urls = spec.ggufFiles ?? [];
    if (urls.length === 0)
      throw new MissingModelFileError(`${spec.modelId} names no GGUF file.`, {
        modelId: spec.modelId,
      });
    this.progress(
      id,
      {
        phase: 'checking',
        fraction: null,
        loadedBytes: null,
        totalBytes: null,
        etaMs: null,
        text: 'Reading the GGUF files from storage',
      },
      t0,
    );
    const cache = await this.caches.open(GGUF_CACHE);
    await this.download(id, urls, cache, signal, t0, spec.ggufChunkBytes);
    const blobs: Blob[] = [];
    for (const url of urls) {
      const res = await cache.match(url);
      if (!res)
        throw new MissingModelFileError(
          `${spec.modelId} is not stored in this browser (${url.slice(url.lastIndexOf('/') + 1)} is missing). Add it again from its file.`,
          { modelId: spec.modelId, file: url },
        );
      blobs.push(await res.blob());
    }
    const totalBytes = blobs.reduce((n, b) => n + b.size, 0);
    this.progress(
      id,
      {
        phase: 'loading-from-cache',
        fraction: 0,
        loadedBytes: 0,
        totalBytes,
        etaMs: null,
        text: 'Loading the model into llama.cpp',
      },
      t0,
    );
    // On WebGPU llama.cpp's own log is the one place that says how many layers reached the GPU
    // (wllama falls back to the CPU without an error when no adapter works), so it is kept.
    const log: string[] = [];
    const keep = (...a: unknown[]) => void log.push(a.map(String).join(' '));
    const wllama = new Wllama(
      { default: wasmUrl },
      spec.webgpu
        ? {
            allowOffline: true,
            logger: { debug: keep, log: keep, warn: keep, error: keep },
          }
        : { suppressNativeLog: true, allowOffline: true },
    );
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    await wllama.loadModel(blobs, {
      n_ctx: Math.min(spec.contextWindow, MAX_CONTEXT),
      n_threads: threadCount(isolated, navigator.hardwareConcurrency || 1),
      // 0 keeps wllama from even opening a WebGPU device: the CPU path stays the CPU path.
      n_gpu_layers: spec.webgpu ? GPU_LAYERS_ALL : 0,
      n_parallel: 1,
    });
    this.wllama = wllama;
    this.spec = spec;
    const loadMs = Math.round(performance.now() - t0);
    this.progress(
      id,
      {
        phase: 'loading-from-cache',
        fraction: 1,
        loadedBytes: totalBytes,
        totalBytes,
        etaMs: null,
        text: 'Measuring the speed on this machine',
      },
      t0,
    );
    const measured = await calibrate(wllama);
    const offload = spec.webgpu ? offloadedLayers(log) : null;
    const backend = offload && offload.gpu > 0 ? ('webgpu' as const) : ('cpu' as const);
    const calibration = measured && {
      ...measured,
      threads: wllama.getNumThreads(),
      isolated,
      backend,
    };
    this.progress(
      id,
      {
        phase: 'ready',
        fraction: 1,
        loadedBytes: totalBytes,
        totalBytes,
        etaMs: 0,
        text:
          backend === 'webgpu'
            ? `Loaded on WebGPU (${offload?.gpu}/${offload?.total} layers)`
            : `Loaded on ${wllama.getNumThreads()} thread(s)${spec.webgpu ? ' (WebGPU gave no device)' : ''}`,
      },
      t0,
    );
    return calibration ? { loadMs, calibration } : { loadMs };
  }

  private async generate(
    id: number,
    req: GenerateRequest,
    signal: AbortSignal,
    stream?: StreamPace | false,
  ): Promise<GenerateResult> {
    const wllama = this.wllama;
    if (!wllama || !this.spec) throw new ModelNotLoadedError();
    if (signal.aborted) throw new AbortedError();
    const t0 = performance.now();
    let text = '';
    let finish: string | null = null;
    let last: ChatCompletionChunk | null = null;
    let pieces = 0;
    let firstAt: number | null = null;
    const wantLogprobs = toWllamaRequest(req).logprobs === true;
    const logprobs: TokenLogprob[] = [];
    const out = coalescerFor(stream, (delta, tokens) =>
      this.post({ kind: 'token', id, delta, tokens }),
    );
    try {
      const chunks = await wllama.createChatCompletion({
        ...toWllamaRequest(req),
        stream: true,
        abortSignal: signal,
      });
      for await (const chunk of chunks) {
        const choice = chunk.choices[0];
        if (wantLogprobs) logprobs.push(...toTokenLogprobs(choice?.logprobs?.content));
        const delta = choice?.delta.content ?? '';
        if (delta) {
          firstAt ??= performance.now();
          pieces += 1;
          text += delta;
          out?.push(delta);
        }
        finish = choice?.finish_reason ?? finish;
        last = chunk;
      }
      out?.flush();
    } catch (e) {
      if (signal.aborted) throw new AbortedError(undefined, { partialText: text });
      throw e;
    } finally {
      out?.cancel();
    }
    if (signal.aborted) throw new AbortedError(undefined, { partialText: text });
    const totalMs = performance.now() - t0;
    const timings = last?.timings;
    const usage = last?.usage;
    return {
      text,
      usage: {
        promptTokens: usage?.prompt_tokens ?? timings?.prompt_n ?? 0,
        completionTokens: usage?.completion_tokens ?? timings?.predicted_n ?? pieces,
        prefillTokensPerS: timings?.prompt_per_second ?? null,
        decodeTokensPerS: timings?.predicted_per_second ?? null,
        timeToFirstTokenMs: firstAt === null ? null : Math.round(firstAt - t0),
        totalMs: Math.round(totalMs),
      },
      logprobs: wantLogprobs && logprobs.length > 0 ? logprobs : null,
      finishReason: FINISH[finish ?? ''] ?? 'stop',
    };
  }
}
