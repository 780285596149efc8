// Curated judge models from web-llm 0.2.86's prebuilt list, as static data so the main bundle never imports web-llm.
import type { DeviceInfo } from './device';
import { InvalidModelSpecError } from './errors';
import type { ModelSpec } from './types';
import { HF, LIB, ROWS } from './catalog-data';

export type Quantization = 'q4f16_1' | 'q4f32_1' | 'q0f16' | 'q0f32';

/** A catalog model: what the engine needs plus what the UI shows. */
export interface CatalogEntry extends ModelSpec {
  family: string;
  label: string;
  quantization: Quantization;
  /** Parameters in billions, including embeddings. */
  paramsB: number;
  vramMB: number;
  /** Download size in MB (MiB). Always an estimate here: the prebuilt config does not record it. */
  downloadMB: number;
  downloadMBEstimated: true;
  /** web-llm's own flag for models meant to fit low-memory devices. */
  lowResource: boolean;
}

// Bits per parameter on disk: 4-bit weights plus one scale per group of 32 (f16 or f32 scale).
const BITS_PER_PARAM: Record<Quantization, number> = {
  q4f16_1: 4.5,
  q4f32_1: 5,
  q0f16: 16,
  q0f32: 32,
};

/** Estimated download in MiB from parameter count and quantization (weights dominate; tokenizer and wasm add a few MB). */
export function estimateDownloadMB(paramsB: number, q: Quantization): number {
  return Math.round((paramsB * 1e9 * BITS_PER_PARAM[q]) / 8 / (1024 * 1024));
}

/** The quantization named in a model id, e.g. "q4f32_1"; null for ids that do not say. */
export function quantizationOf(modelId: string): Quantization | null {
  const m = /(q4f16_1|q4f32_1|q0f16|q0f32)/.exec(modelId);
  return m ? (m[1] as Quantization) : null;
}

/** Whether a quantization computes in 16-bit floats, which needs the shader-f16 feature. */
export function needsShaderF16(q: Quantization | null): boolean {
  return q === 'q4f16_1' || q === 'q0f16';
}

/** Every curated judge model, both quantizations where they exist. */
export const CATALOG: readonly CatalogEntry[] = ROWS.flatMap((row) =>
  row.variants.map(([modelId, repo, lib, vramMB, contextWindow, lowResource]): CatalogEntry => {
    const quantization = quantizationOf(modelId) ?? 'q4f32_1';
    return {
      modelId,
      modelUrl: HF + repo,
      modelLibUrl: LIB + lib,
      contextWindow,
      thinking: row.thinking,
      vramMB,
      // The prebuilt q4f16 records list no required_features; we add it so web-llm fails early and clearly.
      requiredFeatures: needsShaderF16(quantization) ? ['shader-f16'] : [],
      family: row.family,
      label: `${row.label} · ${quantization}${contextWindow < 4096 ? ` · ${contextWindow / 1024}K context` : ''}`,
      quantization,
      paramsB: row.paramsB,
      downloadMB: estimateDownloadMB(row.paramsB, quantization),
      downloadMBEstimated: true,
      lowResource,
    };
  }),
);

export function findCatalogEntry(modelId: string): CatalogEntry | undefined {
  return CATALOG.find((e) => e.modelId === modelId);
}

/** The catalog models this device can run: none without WebGPU, only f32 variants without shader-f16. */
export function modelsForDevice(
  device: DeviceInfo,
  catalog: readonly CatalogEntry[] = CATALOG,
): CatalogEntry[] {
  if (!device.webgpu) return [];
  return catalog.filter((e) => device.shaderF16 || !needsShaderF16(e.quantization));
}

export interface Recommendation {
  entry: CatalogEntry;
  /** Why this one, in plain words for the UI. */
  reason: string;
  /** True when generation will be slow enough that the UI should warn before a long run. */
  slow: boolean;
}

// Default judge: Qwen3-4B thinks before it answers (as J1 does) and fits most laptop GPUs.
const DEFAULT_FAMILY = 'Qwen3-4B';
const SMALL_FAMILY = 'Qwen3-1.7B';

/**
 * A sensible default model for this device, or null without WebGPU.
 * @param deviceMemoryGB `navigator.deviceMemory` when the browser tells it (Chrome caps it at 8).
 */
export function recommendModel(device: DeviceInfo, deviceMemoryGB?: number): Recommendation | null {
  const usable = modelsForDevice(device).filter((e) => e.contextWindow >= 4096);
  const pick = (family: string) =>
    usable.find(
      (e) => e.family === family && e.quantization === (device.shaderF16 ? 'q4f16_1' : 'q4f32_1'),
    );
  if (usable.length === 0) return null;
  if (device.isFallbackAdapter) {
    const smallest = [...usable].sort((a, b) => a.vramMB - b.vramMB)[0];
    if (!smallest) return null;
    return {
      entry: smallest,
      reason: `This device has only a software WebGPU adapter, so even the smallest model (${smallest.label}) will be very slow: expect minutes per judgment.`,
      slow: true,
    };
  }
  const f16note = device.shaderF16
    ? ''
    : ' The q4f32 variant is used because this GPU lacks 16-bit shaders.';
  // A binding limit under 1 GiB or little memory marks a phone or an older integrated GPU.
  const constrained =
    device.maxStorageBufferBindingSize < 1024 ** 3 ||
    (deviceMemoryGB !== undefined && deviceMemoryGB <= 4);
  if (constrained) {
    const small = pick(SMALL_FAMILY);
    if (small)
      return {
        entry: small,
        reason: `A small thinking judge suited to a GPU with limited memory.${f16note}`,
        slow: false,
      };
  }
  const entry = pick(DEFAULT_FAMILY);
  if (!entry) return null;
  return {
    entry,
    reason: `A thinking judge that fits most laptop GPUs (about ${Math.round(entry.vramMB / 1024)} GB of GPU memory).${f16note}`,
    slow: false,
  };
}

export interface CustomModelInput {
  modelUrl: string;
  modelLibUrl: string;
  modelId?: string;
  contextWindow?: number;
  thinking?: boolean;
  vramMB?: number;
  /** A GGUF model for llama.cpp: `modelLibUrl` is then unused and `ggufFiles` lists its parts. */
  engine?: 'wllama';
  ggufFiles?: string[];
}

function absoluteHttpUrl(value: string, field: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidModelSpecError(`${field} is not an absolute URL: “${value}”.`, { field });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidModelSpecError(`${field} must use http or https, not ${url.protocol}`, {
      field,
    });
  }
  return url;
}

/**
 * Validate a user-supplied model and turn it into a spec. Throws InvalidModelSpecError naming the field.
 * The model id defaults to the folder name; a model id naming q4f16 requires shader-f16.
 */
export function customModelSpec(input: CustomModelInput): ModelSpec {
  if (input.engine === 'wllama') return ggufModelSpec(input);
  const modelUrl = absoluteHttpUrl(input.modelUrl.trim(), 'modelUrl');
  const libUrl = absoluteHttpUrl(input.modelLibUrl.trim(), 'modelLibUrl');
  if (!libUrl.pathname.endsWith('.wasm')) {
    throw new InvalidModelSpecError(
      'modelLibUrl must point to a compiled model library ending in .wasm.',
      { field: 'modelLibUrl' },
    );
  }
  const segments = modelUrl.pathname
    .replace(/\/resolve\/[^/]+\/?$/, '')
    .split('/')
    .filter(Boolean);
  const modelId = (input.modelId ?? segments.at(-1) ?? '').trim();
  if (!modelId) throw new InvalidModelSpecError('Give the model an id.', { field: 'modelId' });
  const contextWindow = input.contextWindow ?? 4096;
  if (!Number.isInteger(contextWindow) || contextWindow < 256) {
    throw new InvalidModelSpecError(
      'contextWindow must be a whole number of tokens, at least 256.',
      { field: 'contextWindow' },
    );
  }
  const spec: ModelSpec = {
    modelId,
    modelUrl: modelUrl.href,
    modelLibUrl: libUrl.href,
    contextWindow,
    thinking: input.thinking ?? false,
    requiredFeatures: needsShaderF16(quantizationOf(modelId)) ? ['shader-f16'] : [],
  };
  if (input.vramMB !== undefined) spec.vramMB = input.vramMB;
  return spec;
}

/** A GGUF model for the llama.cpp engine: its parts must be absolute URLs of .gguf files. */
function ggufModelSpec(input: CustomModelInput): ModelSpec {
  const modelUrl = absoluteHttpUrl(input.modelUrl.trim(), 'modelUrl');
  const files = (input.ggufFiles ?? []).map((f) => absoluteHttpUrl(f, 'ggufFiles'));
  if (files.length === 0 || files.some((f) => !/\.gguf$/i.test(decodeURIComponent(f.pathname))))
    throw new InvalidModelSpecError('A GGUF model needs the URL of each .gguf file.', {
      field: 'ggufFiles',
    });
  const modelId = (input.modelId ?? '').trim();
  if (!modelId) throw new InvalidModelSpecError('Give the model an id.', { field: 'modelId' });
  return {
    engine: 'wllama',
    modelId,
    modelUrl: modelUrl.href,
    modelLibUrl: '',
    contextWindow: Math.max(256, Math.round(input.contextWindow ?? 4096)),
    thinking: input.thinking ?? false,
    ggufFiles: files.map((f) => f.href),
  };
}
