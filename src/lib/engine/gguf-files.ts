// Plans storing GGUF model files (one file or a split set) for the llama.cpp engine, after checking each header.
import { GGUF_CACHE } from './cache';
import { readGgufInfo, orderSplitParts, type GgufInfo } from './gguf';
import type { ModelFile, SeedEntry, SeedPlan } from './model-files';
import type { ModelSpec } from './types';

/** Where GGUF models without a download URL are filed; `.invalid` never resolves, so nothing is ever fetched from it. */
const LOCAL_GGUF_ORIGIN = 'https://local-models.arbiter.invalid/gguf/';

/** The files are GGUF: a .gguf name, or one file without extension (an Ollama blob). */
export function looksLikeGguf(files: readonly ModelFile[]): boolean {
  if (files.some((f) => /\.gguf$/i.test(f.path))) return true;
  const only = files.length === 1 ? files[0] : undefined;
  return only !== undefined && !/\.(json|wasm|tar|bin|txt|model)$/i.test(only.path);
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A model id from the file name: "qwen2.5-0.5b-instruct-q4_k_m-00001-of-00002.gguf" → "qwen2.5-0.5b-instruct-q4_k_m". */
export function ggufModelId(fileName: string): string {
  return basename(fileName)
    .replace(/\.gguf$/i, '')
    .replace(/-\d{5}-of-\d{5}$/, '')
    .replace(/[^\w.-]+/g, '-');
}

/** Thinking models by name, as the catalog knows them (Qwen3, DeepSeek-R1 distills). */
function thinks(text: string): boolean {
  return /qwen3|deepseek-r1|r1-distill|<think>/i.test(text);
}

/**
 * Check GGUF files and plan where they go. Throws NotGgufError, GgufTruncatedError,
 * UnsupportedArchitectureError or MissingSplitPartError before anything is stored.
 */
export async function planGgufSeed(files: ModelFile[]): Promise<SeedPlan> {
  const ggufs = files.filter((f) => !/\.(json|txt|md)$/i.test(f.path));
  const parts: { file: ModelFile; info: GgufInfo }[] = [];
  for (const file of ggufs)
    parts.push({ file, info: await readGgufInfo(await file.blob(), basename(file.path)) });
  const ordered = orderSplitParts(parts);
  const first = parts.find((p) => p.file === ordered[0]);
  const info = first?.info;
  const modelId = ggufModelId(ordered[0]?.path ?? 'model.gguf');
  const modelUrl = `${LOCAL_GGUF_ORIGIN}${encodeURIComponent(modelId)}/`;
  // Stored under a .gguf name even when the file has none (an Ollama blob), so the spec says what it is.
  const ggufFiles = ordered.map((f) => {
    const name = basename(f.path);
    return new URL(encodeURIComponent(/\.gguf$/i.test(name) ? name : `${name}.gguf`), modelUrl)
      .href;
  });
  const spec: ModelSpec = {
    engine: 'wllama',
    modelId,
    modelUrl,
    modelLibUrl: '',
    contextWindow: Math.max(256, Math.min(info?.contextLength ?? 4096, 32768)),
    thinking: thinks(`${modelId} ${info?.name ?? ''} ${info?.chatTemplate ?? ''}`),
    ggufFiles,
  };
  const entries: SeedEntry[] = ordered.map((file, i) => ({
    cache: GGUF_CACHE,
    url: ggufFiles[i] as string,
    file,
    contentType: 'application/octet-stream',
  }));
  return {
    spec,
    localSpec: true,
    entries,
    totalBytes: entries.reduce((n, e) => n + e.file.size, 0),
  };
}
