// Model cache manager over the Cache API (no web-llm import): what is cached, how big, delete, purge, storage quota.
import type { ModelSpec } from './types';
import { resolvedModelUrl } from './webllm-adapt';

/** The Cache API caches web-llm 0.2.86 uses with cacheBackend "cache". */
export const WEBLLM_CACHES = ['webllm/config', 'webllm/wasm', 'webllm/model'] as const;
/** Where GGUF models for llama.cpp are kept, one entry per file (or split part) under the model's folder URL. */
export const GGUF_CACHE = 'arbiter/gguf';
/** Every cache holding model files, listed and deleted alike. */
const MODEL_CACHES = [...WEBLLM_CACHES, GGUF_CACHE] as const;

export interface CachedModel {
  modelId: string;
  /** Number of cached files (config, library, tokenizer, manifest, weight shards). */
  entries: number;
  bytes: number;
  /** Every weight shard named in the cached tensor-cache.json is cached, plus the config. */
  complete: boolean;
}

function cacheStorage(): CacheStorage | null {
  // The Cache API exists only in secure contexts (https or localhost).
  return (globalThis as { caches?: CacheStorage }).caches ?? null;
}

/** URL prefixes under which a model's files live (web-llm's resolved folder, and the folder as given). */
export function modelUrlPrefixes(spec: Pick<ModelSpec, 'modelUrl'>): string[] {
  const given = new URL(spec.modelUrl.endsWith('/') ? spec.modelUrl : spec.modelUrl + '/').href;
  return [...new Set([resolvedModelUrl(spec.modelUrl), given])];
}

function belongsTo(
  url: string,
  spec: Pick<ModelSpec, 'modelUrl' | 'modelLibUrl'>,
  prefixes: string[],
): boolean {
  return url === spec.modelLibUrl || prefixes.some((p) => url.startsWith(p));
}

async function responseSize(res: Response | undefined): Promise<number> {
  if (!res) return 0;
  const header = Number(res.headers.get('content-length'));
  if (Number.isFinite(header) && header > 0) return header;
  // No length header (seeded entries, chunked responses): the blob is disk-backed, so this does not load it into memory.
  return (await res.blob()).size;
}

/** Every key in the model caches, read once per cache so a listing of many models stays cheap. */
async function allKeys(): Promise<{ cache: Cache; name: string; request: Request }[]> {
  const storage = cacheStorage();
  if (!storage) return [];
  const out: { cache: Cache; name: string; request: Request }[] = [];
  for (const name of MODEL_CACHES) {
    if (!(await storage.has(name))) continue;
    const cache = await storage.open(name);
    for (const request of await cache.keys()) out.push({ cache, name, request });
  }
  return out;
}

async function isComplete(
  keys: { cache: Cache; name: string; request: Request }[],
  prefix: string,
  spec: ModelSpec,
): Promise<boolean> {
  const urls = new Set(keys.map((k) => k.request.url));
  // A GGUF model is complete when every part it names is stored.
  if (spec.engine === 'wllama')
    return (spec.ggufFiles ?? []).length > 0 && (spec.ggufFiles ?? []).every((u) => urls.has(u));
  const manifestKey = keys.find(
    (k) => k.name === 'webllm/model' && k.request.url === new URL('tensor-cache.json', prefix).href,
  );
  if (!manifestKey || !urls.has(new URL('mlc-chat-config.json', prefix).href)) return false;
  try {
    const res = await manifestKey.cache.match(manifestKey.request);
    const manifest = (await res?.json()) as { records?: { dataPath?: string }[] } | undefined;
    const shards = manifest?.records ?? [];
    return (
      shards.length > 0 &&
      shards.every(
        (r) => typeof r.dataPath === 'string' && urls.has(new URL(r.dataPath, prefix).href),
      )
    );
  } catch {
    // A manifest that does not parse is a poisoned entry: not complete.
    return false;
  }
}

/** Cached size and completeness of each model; models with nothing cached are left out. */
export async function listCachedModels(specs: readonly ModelSpec[]): Promise<CachedModel[]> {
  const keys = await allKeys();
  const out: CachedModel[] = [];
  for (const spec of specs) {
    const prefixes = modelUrlPrefixes(spec);
    const mine = keys.filter((k) => belongsTo(k.request.url, spec, prefixes));
    if (mine.length === 0) continue;
    let bytes = 0;
    for (const k of mine) bytes += await responseSize(await k.cache.match(k.request));
    out.push({
      modelId: spec.modelId,
      entries: mine.length,
      bytes,
      complete: await isComplete(mine, prefixes[0] ?? spec.modelUrl, spec),
    });
  }
  return out;
}

/**
 * The exact size of a web-llm model's weights: the sum of the shard sizes its cached manifest
 * (tensor-cache.json) lists. Null until web-llm has cached the manifest, or when it names no sizes.
 */
export async function manifestBytes(spec: Pick<ModelSpec, 'modelUrl'>): Promise<number | null> {
  const storage = cacheStorage();
  if (!storage || !(await storage.has('webllm/model'))) return null;
  try {
    const url = new URL('tensor-cache.json', resolvedModelUrl(spec.modelUrl)).href;
    const res = await (await storage.open('webllm/model')).match(url);
    const manifest = (await res?.json()) as { records?: { nbytes?: unknown }[] } | undefined;
    const sizes = (manifest?.records ?? []).map((r) => r.nbytes);
    if (sizes.length === 0 || sizes.some((n) => typeof n !== 'number')) return null;
    return (sizes as number[]).reduce((a, b) => a + b, 0);
  } catch {
    // A manifest that does not parse (a poisoned entry): no exact size.
    return null;
  }
}

/** One model's cache state; `entries: 0` when nothing is cached. */
export async function cachedModel(spec: ModelSpec): Promise<CachedModel> {
  const [found] = await listCachedModels([spec]);
  return found ?? { modelId: spec.modelId, entries: 0, bytes: 0, complete: false };
}

/**
 * Delete every file of a model: each key under its folder URL, and its library, in the three web-llm caches.
 * Works offline, unlike web-llm's deleteModelAllInfoInCache (which fetches the manifest first).
 * The library may be shared with another model of the same architecture; it is small and re-downloaded on demand.
 * @returns how many entries were deleted.
 */
export async function deleteModelFiles(
  spec: Pick<ModelSpec, 'modelUrl' | 'modelLibUrl'>,
): Promise<number> {
  const prefixes = modelUrlPrefixes(spec);
  let deleted = 0;
  for (const { cache, request } of await allKeys()) {
    if (belongsTo(request.url, spec, prefixes) && (await cache.delete(request))) deleted++;
  }
  return deleted;
}

/** Remove what a failed load may have left (a page cached as a model file, web-llm issue #289). Never throws. */
export async function purgeModel(
  spec: Pick<ModelSpec, 'modelUrl' | 'modelLibUrl'>,
): Promise<number> {
  try {
    return await deleteModelFiles(spec);
  } catch {
    return 0;
  }
}

export interface StorageState {
  usageBytes: number | null;
  quotaBytes: number | null;
  persisted: boolean | null;
}

function storageManager(): StorageManager | null {
  return (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage ?? null;
}

/** Used and available storage for this origin, and whether the browser promised to keep it. Nulls where unknown. */
export async function storageState(): Promise<StorageState> {
  const sm = storageManager();
  if (!sm) return { usageBytes: null, quotaBytes: null, persisted: null };
  const [estimate, persisted] = await Promise.all([
    sm.estimate?.().catch(() => null) ?? null,
    sm.persisted?.().catch(() => null) ?? null,
  ]);
  return { usageBytes: estimate?.usage ?? null, quotaBytes: estimate?.quota ?? null, persisted };
}

/**
 * Ask the browser not to evict model files under storage pressure. Chrome grants it silently to
 * sites with engagement or installed as apps; Firefox asks the user. Returns whether it is granted.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  const sm = storageManager();
  if (!sm?.persist) return false;
  try {
    return await sm.persist();
  } catch {
    return false;
  }
}
