// The small GGUF judge models Arbiter offers for llama.cpp on the CPU: size, quantization, context, license, thinking.
import { customModelSpec } from './catalog';
import type { ModelSpec } from './types';

export interface GgufCatalogEntry {
  modelId: string;
  label: string;
  /** The file on Hugging Face (resolve URL: CORS and HTTP Range, so downloads resume). */
  url: string;
  /**
   * About how big the file is, in MB, for choosing before a download: the exact size comes from
   * the server when the download starts (written here without network access to check it).
   */
  approxMB: number;
  quantization: string;
  /** The model's own context; llama.cpp allocates at most MAX_CONTEXT of it (wllama-host.ts). */
  contextWindow: number;
  license: string;
  thinking: boolean;
  /** Bytes per ranged request; only the e2e tests set it, to cut a small file into several chunks. */
  chunkBytes?: number;
}

const HF = 'https://huggingface.co/';

export const GGUF_CATALOG: readonly GgufCatalogEntry[] = [
  {
    modelId: 'Qwen2.5-0.5B-Instruct-Q4_K_M-GGUF',
    label: 'Qwen2.5 0.5B Instruct',
    url: `${HF}Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf`,
    approxMB: 490,
    quantization: 'Q4_K_M',
    contextWindow: 32768,
    license: 'Apache-2.0',
    thinking: false,
  },
  {
    modelId: 'Qwen3-0.6B-Q8_0-GGUF',
    label: 'Qwen3 0.6B (thinking)',
    url: `${HF}Qwen/Qwen3-0.6B-GGUF/resolve/main/Qwen3-0.6B-Q8_0.gguf`,
    approxMB: 640,
    quantization: 'Q8_0',
    contextWindow: 32768,
    license: 'Apache-2.0',
    thinking: true,
  },
  {
    modelId: 'Llama-3.2-1B-Instruct-Q4_K_M-GGUF',
    label: 'Llama 3.2 1B Instruct',
    url: `${HF}bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf`,
    approxMB: 810,
    quantization: 'Q4_K_M',
    contextWindow: 131072,
    license: 'Llama 3.2 Community License',
    thinking: false,
  },
  {
    modelId: 'Qwen2.5-1.5B-Instruct-Q4_K_M-GGUF',
    label: 'Qwen2.5 1.5B Instruct',
    url: `${HF}Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/main/qwen2.5-1.5b-instruct-q4_k_m.gguf`,
    approxMB: 1120,
    quantization: 'Q4_K_M',
    contextWindow: 32768,
    license: 'Apache-2.0',
    thinking: false,
  },
  {
    modelId: 'Qwen3-1.7B-Q8_0-GGUF',
    label: 'Qwen3 1.7B (thinking)',
    url: `${HF}Qwen/Qwen3-1.7B-GGUF/resolve/main/Qwen3-1.7B-Q8_0.gguf`,
    approxMB: 1830,
    quantization: 'Q8_0',
    contextWindow: 32768,
    license: 'Apache-2.0',
    thinking: true,
  },
];

/** The llama.cpp spec of a catalog entry: its one file is downloaded (and resumed) on the first load. */
export function ggufCatalogSpec(entry: GgufCatalogEntry): ModelSpec {
  const spec = customModelSpec({
    engine: 'wllama',
    modelId: entry.modelId,
    modelUrl: entry.url.slice(0, entry.url.lastIndexOf('/') + 1),
    modelLibUrl: '',
    contextWindow: entry.contextWindow,
    thinking: entry.thinking,
    ggufFiles: [entry.url],
  });
  return entry.chunkBytes ? { ...spec, ggufChunkBytes: entry.chunkBytes } : spec;
}

export function findGgufCatalogEntry(modelId: string): GgufCatalogEntry | undefined {
  return GGUF_CATALOG.find((e) => e.modelId === modelId);
}
