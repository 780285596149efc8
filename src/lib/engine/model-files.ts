// Seeds web-llm's Cache API caches from model files the user has (a folder, a model pack), checked first.
import {
  AbortedError,
  MissingModelFileError,
  ModelFileMismatchError,
  ModelLibraryMismatchError,
  ModelWeightsMismatchError,
  StorageQuotaError,
} from './errors';
import { needsShaderF16, quantizationOf } from './catalog';
import type { ModelSpec } from './types';
import { resolvedModelUrl } from './webllm-adapt';
import type { GGUF_CACHE } from './cache';
import { looksLikeGguf, planGgufSeed } from './gguf-files';

/** One file of a model, wherever it comes from (a picked file, a folder handle, a slice of an archive, a cache entry). */
export interface ModelFile {
  /** Path inside the model folder, with `/` separators. */
  path: string;
  size: number;
  blob(): Blob | Promise<Blob>;
}

/** Where seeded files go: the Cache API in the app, anything with the same shape in tests. */
export type CacheStore = Pick<CacheStorage, 'open'>;

export type WebLLMCacheName = 'webllm/config' | 'webllm/wasm' | 'webllm/model';

export interface SeedEntry {
  /** web-llm's caches, or the GGUF cache of the llama.cpp engine. */
  cache: WebLLMCacheName | typeof GGUF_CACHE;
  /** The exact URL web-llm 0.2.86 will request (and so the cache key). */
  url: string;
  file: ModelFile;
  contentType: string;
}

export interface SeedPlan {
  spec: ModelSpec;
  /** True when the files name no known model and a local-only spec was made for them. */
  localSpec: boolean;
  entries: SeedEntry[];
  totalBytes: number;
}

/** Written into every exported pack; on import it says which model the files are and where they belong. */
export interface PackManifest {
  format: 'arbiter-model-pack';
  version: 1;
  modelId: string;
  modelUrl: string;
  modelLibUrl: string;
  contextWindow: number;
  thinking: boolean;
  /** The library's path inside the pack. */
  libraryPath: string;
  exportedAt: string;
}

export const PACK_MANIFEST = 'arbiter-pack.json';
const CONFIG = 'mlc-chat-config.json';
/** web-llm 0.2.86 asks for tensor-cache.json; models converted before the rename ship ndarray-cache.json (same format). */
const MANIFESTS = ['tensor-cache.json', 'ndarray-cache.json'] as const;
const WEBLLM_VERSION_TAG = 'v0_2_86';
/** Where models without a known home are filed. `.invalid` never resolves, so a missing file can never be fetched from anyone. */
export const LOCAL_MODEL_ORIGIN = 'https://local-models.arbiter.invalid/';

interface ShardRecord {
  dataPath: string;
  nbytes?: number;
  records?: { name?: string; shape?: number[] }[];
}

interface ChatConfig {
  tokenizer_files?: string[];
  quantization?: string;
  vocab_size?: number;
  context_window_size?: number;
  model_config?: { vocab_size?: number; context_window_size?: number };
  conv_template?: { name?: string } | string;
  model_type?: string;
}

/** Paths as given, relative to the model folder: a common top folder (from a folder pick) is removed. */
export function normalizePaths(files: ModelFile[]): { files: ModelFile[]; folder: string | null } {
  const clean = files.map((f) => ({ f, path: f.path.replace(/\\/g, '/').replace(/^\.?\//, '') }));
  const firstSeg = (p: string) => (p.includes('/') ? p.slice(0, p.indexOf('/')) : null);
  const top = clean[0] ? firstSeg(clean[0].path) : null;
  const shared = top !== null && clean.every((c) => firstSeg(c.path) === top);
  return {
    folder: shared ? top : null,
    files: clean.map(({ f, path }) => ({
      path: shared && top ? path.slice(top.length + 1) : path,
      size: f.size,
      blob: () => f.blob(),
    })),
  };
}

/** Files the user picked (input or drop) as model files; a folder pick keeps the folder in webkitRelativePath. */
export function fromFiles(files: Iterable<File>): ModelFile[] {
  return [...files].map((file) => ({
    path: file.webkitRelativePath || file.name,
    size: file.size,
    blob: () => file,
  }));
}

async function readJson<T>(file: ModelFile): Promise<T> {
  try {
    return JSON.parse(await (await file.blob()).text()) as T;
  } catch {
    throw new ModelFileMismatchError(`${file.path} is not valid JSON.`, { file: file.path });
  }
}

/**
 * The model id for loose files (no folder to name them): from an MLC library name
 * ("Qwen3-1.7B-q4f32_1-ctx4k_cs1k-webgpu.wasm" → "Qwen3-1.7B-q4f32_1-MLC"), else from the
 * config's model type and quantization ("qwen3-q4f32_1-MLC"), never the library's bare file name
 * (#24: a model was named "lib-q4f32").
 */
export function looseModelId(
  libName: string,
  config: { model_type?: string; quantization?: string },
): string {
  const lib = /^(.+?-q\d+f\d+_\d+)(?:[-_](?:ctx|cs)\w*?)*-webgpu\.wasm$/i.exec(basename(libName));
  if (lib?.[1]) return `${lib[1]}-MLC`;
  const quant = config.quantization ?? quantizationOf(basename(libName)) ?? 'unknown';
  return `${config.model_type ?? 'model'}-${quant}-MLC`.replace(/[^\w.-]+/g, '-');
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function contentType(path: string): string {
  if (path.endsWith('.json')) return 'application/json';
  if (path.endsWith('.wasm')) return 'application/wasm';
  return 'application/octet-stream';
}

/** The vocabulary size the weights were made for, from the embedding table's first dimension; null if not found. */
function weightsVocab(records: ShardRecord[]): number | null {
  for (const shard of records) {
    for (const t of shard.records ?? []) {
      if (
        typeof t.name === 'string' &&
        /embed_tokens|wte|tok_embeddings/.test(t.name) &&
        Array.isArray(t.shape)
      ) {
        const n = t.shape[0];
        if (typeof n === 'number') return n;
      }
    }
  }
  return null;
}

export interface PlanOptions {
  /** Seed as this model (e.g. a catalog entry the user chose); otherwise the pack, the folder name, or a local spec decide. */
  target?: ModelSpec;
  /** Find a known model by id (the catalog, custom models), to file a folder named like it under its URLs. */
  known?: (modelId: string) => ModelSpec | undefined;
}

/**
 * Check a set of model files and work out where each goes in web-llm's caches. Throws a named error
 * for a missing or mismatched file before anything is stored.
 */
export async function planSeed(input: ModelFile[], opts: PlanOptions = {}): Promise<SeedPlan> {
  const { files, folder } = normalizePaths(input);
  // GGUF files run on llama.cpp, not web-llm: their own checks and their own cache.
  if (looksLikeGguf(files)) return planGgufSeed(files);
  const byPath = new Map(files.map((f) => [f.path, f]));
  const find = (name: string) =>
    byPath.get(name) ?? files.find((f) => basename(f.path) === name && !f.path.includes('/'));

  const packFile = find(PACK_MANIFEST);
  const pack = packFile ? await readJson<PackManifest>(packFile) : null;
  if (pack && pack.format !== 'arbiter-model-pack')
    throw new ModelFileMismatchError(`${PACK_MANIFEST} is not an Arbiter model pack manifest.`, {
      file: PACK_MANIFEST,
    });

  const configFile = find(CONFIG);
  if (!configFile)
    throw new MissingModelFileError(`${CONFIG} is missing: it says how to run the model.`, {
      file: CONFIG,
    });
  const config = await readJson<ChatConfig>(configFile);
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new ModelFileMismatchError(`${CONFIG} does not hold a model configuration.`, {
      file: CONFIG,
    });

  const manifestFile = MANIFESTS.map((m) => find(m)).find((f) => f !== undefined);
  if (!manifestFile)
    throw new MissingModelFileError(
      'tensor-cache.json (or ndarray-cache.json) is missing: it lists the weight files.',
      { file: 'tensor-cache.json' },
    );
  const manifest = await readJson<{ records?: ShardRecord[] }>(manifestFile);
  const records = Array.isArray(manifest.records) ? manifest.records : null;
  if (!records || records.length === 0 || records.some((r) => typeof r.dataPath !== 'string'))
    throw new ModelFileMismatchError(`${manifestFile.path} lists no weight files.`, {
      file: manifestFile.path,
    });

  const missing = records.filter((r) => !byPath.has(r.dataPath)).map((r) => r.dataPath);
  if (missing.length > 0)
    throw new MissingModelFileError(
      `${missing.length} of ${records.length} weight files listed in ${manifestFile.path} are missing: ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}.`,
      { file: missing[0], missing },
    );
  for (const r of records) {
    const f = byPath.get(r.dataPath);
    if (f && typeof r.nbytes === 'number' && f.size !== r.nbytes)
      throw new ModelFileMismatchError(
        `${r.dataPath} is ${f.size.toLocaleString()} bytes, but ${manifestFile.path} says ${r.nbytes.toLocaleString()}: it is damaged or from another model.`,
        { file: r.dataPath, size: f.size, expected: r.nbytes },
      );
  }

  const vocab = config.vocab_size ?? config.model_config?.vocab_size;
  const wVocab = weightsVocab(records);
  if (typeof vocab === 'number' && wVocab !== null && wVocab !== vocab)
    throw new ModelWeightsMismatchError(
      `The weights have a vocabulary of ${wVocab.toLocaleString()} tokens, but ${CONFIG} says ${vocab.toLocaleString()}: they come from another model.`,
      { vocab, weightsVocab: wVocab },
    );

  const tokenizerFiles = (config.tokenizer_files ?? []).filter(
    (t) => t === 'tokenizer.json' || t === 'tokenizer.model',
  );
  const tokenizer = tokenizerFiles[0];
  if (!tokenizer)
    throw new ModelFileMismatchError(
      `${CONFIG} names no tokenizer.json or tokenizer.model, which web-llm needs.`,
      { file: CONFIG },
    );
  if (!find(tokenizer))
    throw new MissingModelFileError(
      `${tokenizer} is missing: the model cannot read text without it.`,
      { file: tokenizer },
    );

  const wasms = pack
    ? files.filter((f) => f.path === pack.libraryPath)
    : files.filter((f) => f.path.endsWith('.wasm'));
  if (wasms.length === 0)
    throw new MissingModelFileError(
      'The model library (.wasm) is missing: add the compiled library built for this model.',
      { file: '.wasm' },
    );
  if (wasms.length > 1)
    throw new ModelLibraryMismatchError(
      `There are ${wasms.length} model libraries (${wasms.map((w) => w.path).join(', ')}); keep only the one for this model.`,
      { files: wasms.map((w) => w.path) },
    );
  const wasm = wasms[0] as ModelFile;
  const head = new Uint8Array(await (await wasm.blob()).slice(0, 4).arrayBuffer());
  if (!(head[0] === 0 && head[1] === 0x61 && head[2] === 0x73 && head[3] === 0x6d))
    throw new ModelLibraryMismatchError(`${wasm.path} is not a WebAssembly library.`, {
      file: wasm.path,
    });
  const versionTag = /v0_2_\d+/.exec(wasm.path)?.[0];
  if (versionTag && versionTag !== WEBLLM_VERSION_TAG)
    throw new ModelLibraryMismatchError(
      `${wasm.path} was built for web-llm ${versionTag.replace('v', '').replace(/_/g, '.')}, but Arbiter runs web-llm 0.2.86.`,
      { file: wasm.path, built: versionTag },
    );
  const libQuant = quantizationOf(basename(wasm.path));
  if (config.quantization && libQuant && libQuant !== config.quantization)
    throw new ModelLibraryMismatchError(
      `${wasm.path} is built for ${libQuant} weights, but these weights are ${config.quantization}.`,
      { file: wasm.path, library: libQuant, weights: config.quantization },
    );

  let spec: ModelSpec;
  let localSpec = false;
  if (opts.target) {
    spec = opts.target;
  } else if (pack) {
    spec = {
      modelId: pack.modelId,
      modelUrl: pack.modelUrl,
      modelLibUrl: pack.modelLibUrl,
      contextWindow: pack.contextWindow,
      thinking: pack.thinking,
      requiredFeatures: needsShaderF16(quantizationOf(pack.modelId)) ? ['shader-f16'] : [],
    };
  } else {
    const modelId = (folder ?? looseModelId(wasm.path, config)).replace(/[^\w.-]+/g, '-');
    const known = opts.known?.(modelId);
    if (known) {
      spec = known;
    } else {
      const ctx = config.context_window_size ?? config.model_config?.context_window_size;
      const template =
        typeof config.conv_template === 'string'
          ? config.conv_template
          : (config.conv_template?.name ?? '');
      spec = {
        modelId,
        modelUrl: `${LOCAL_MODEL_ORIGIN}models/${encodeURIComponent(modelId)}/`,
        modelLibUrl: `${LOCAL_MODEL_ORIGIN}libs/${encodeURIComponent(basename(wasm.path))}`,
        contextWindow: typeof ctx === 'number' && ctx > 0 ? Math.min(ctx, 32768) : 4096,
        thinking: /qwen3|deepseek-r1|r1-distill/i.test(`${template} ${modelId}`),
        requiredFeatures: needsShaderF16(quantizationOf(config.quantization ?? modelId))
          ? ['shader-f16']
          : [],
      };
      localSpec = true;
    }
  }
  const specQuant = quantizationOf(spec.modelId);
  if (config.quantization && specQuant && specQuant !== config.quantization)
    throw new ModelWeightsMismatchError(
      `These are ${config.quantization} weights, but ${spec.modelId} is a ${specQuant} model.`,
      { modelId: spec.modelId, weights: config.quantization },
    );

  const base = resolvedModelUrl(spec.modelUrl);
  const entries: SeedEntry[] = [
    {
      cache: 'webllm/config',
      url: new URL(CONFIG, base).href,
      file: configFile,
      contentType: 'application/json',
    },
    {
      cache: 'webllm/model',
      url: new URL('tensor-cache.json', base).href,
      file: manifestFile,
      contentType: 'application/json',
    },
    ...(config.tokenizer_files ?? [])
      .map((t) => find(t))
      .filter((f): f is ModelFile => f !== undefined)
      .map((f) => ({
        cache: 'webllm/model' as const,
        url: new URL(f.path, base).href,
        file: f,
        contentType: contentType(f.path),
      })),
    ...records.map((r) => ({
      cache: 'webllm/model' as const,
      url: new URL(r.dataPath, base).href,
      file: byPath.get(r.dataPath) as ModelFile,
      contentType: 'application/octet-stream',
    })),
    { cache: 'webllm/wasm', url: spec.modelLibUrl, file: wasm, contentType: 'application/wasm' },
  ];
  return { spec, localSpec, entries, totalBytes: entries.reduce((n, e) => n + e.file.size, 0) };
}

export interface SeedProgress {
  doneBytes: number;
  totalBytes: number;
  file: string;
  filesDone: number;
  filesTotal: number;
}

function isQuota(e: unknown): boolean {
  return e instanceof DOMException && (e.name === 'QuotaExceededError' || e.code === 22);
}

/**
 * Store the planned files in web-llm's caches. On failure or Stop, what this call stored is removed again,
 * so a half-seeded model never looks complete.
 */
export async function seedModel(
  plan: SeedPlan,
  opts: { caches?: CacheStore; onProgress?: (p: SeedProgress) => void; signal?: AbortSignal } = {},
): Promise<void> {
  const store = opts.caches ?? globalThis.caches;
  const written: { cache: Cache; url: string }[] = [];
  let doneBytes = 0;
  try {
    for (const [i, e] of plan.entries.entries()) {
      if (opts.signal?.aborted) throw new AbortedError('Stopped: no model files were kept.');
      const cache = await store.open(e.cache);
      const body = await e.file.blob();
      await cache.put(
        e.url,
        new Response(body, {
          headers: { 'content-type': e.contentType, 'content-length': String(e.file.size) },
        }),
      );
      written.push({ cache, url: e.url });
      doneBytes += e.file.size;
      opts.onProgress?.({
        doneBytes,
        totalBytes: plan.totalBytes,
        file: e.file.path,
        filesDone: i + 1,
        filesTotal: plan.entries.length,
      });
    }
  } catch (e) {
    await Promise.all(written.map((w) => w.cache.delete(w.url).catch(() => false)));
    if (isQuota(e))
      throw new StorageQuotaError(
        'The browser ran out of storage space while storing the model files.',
        {
          neededBytes: plan.totalBytes,
        },
      );
    throw e;
  }
}

/** Read a cached model back as files (for a model pack); throws MissingModelFileError when it is not complete. */
export async function cachedModelFiles(
  spec: ModelSpec,
  store: CacheStore = globalThis.caches,
): Promise<ModelFile[]> {
  const base = resolvedModelUrl(spec.modelUrl);
  const [config, wasm, model] = await Promise.all([
    store.open('webllm/config'),
    store.open('webllm/wasm'),
    store.open('webllm/model'),
  ]);
  const entry = async (cache: Cache, url: string, path: string): Promise<ModelFile> => {
    const res = await cache.match(url);
    if (!res)
      throw new MissingModelFileError(
        `${path} of ${spec.modelId} is not in this browser’s cache; load the model once, then export.`,
        { file: path },
      );
    const blob = await res.blob();
    return { path, size: blob.size, blob: () => blob };
  };
  const configFile = await entry(config, new URL(CONFIG, base).href, CONFIG);
  const manifestFile = await entry(
    model,
    new URL('tensor-cache.json', base).href,
    'tensor-cache.json',
  );
  const cfg = await readJson<ChatConfig>(configFile);
  const manifest = await readJson<{ records?: ShardRecord[] }>(manifestFile);
  const out = [configFile, manifestFile];
  for (const t of cfg.tokenizer_files ?? []) {
    const res = await model.match(new URL(t, base).href);
    if (res) {
      const blob = await res.blob();
      out.push({ path: t, size: blob.size, blob: () => blob });
    }
  }
  for (const r of manifest.records ?? [])
    out.push(await entry(model, new URL(r.dataPath, base).href, r.dataPath));
  const libName = basename(new URL(spec.modelLibUrl).pathname) || 'model.wasm';
  out.push(await entry(wasm, spec.modelLibUrl, libName));
  const pack: PackManifest = {
    format: 'arbiter-model-pack',
    version: 1,
    modelId: spec.modelId,
    modelUrl: spec.modelUrl,
    modelLibUrl: spec.modelLibUrl,
    contextWindow: spec.contextWindow,
    thinking: spec.thinking,
    libraryPath: libName,
    exportedAt: new Date().toISOString(),
  };
  const packBlob = new Blob([JSON.stringify(pack, null, 2)], { type: 'application/json' });
  out.unshift({ path: PACK_MANIFEST, size: packBlob.size, blob: () => packBlob });
  return out;
}
