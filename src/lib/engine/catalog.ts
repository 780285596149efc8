// Curated judge models from web-llm 0.2.86's prebuilt list, as static data so the main bundle never imports web-llm.
import type { DeviceInfo } from './device';
import { InvalidModelSpecError } from './errors';
import type { ModelSpec } from './types';

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

const HF = 'https://huggingface.co/mlc-ai/';
const LIB =
  'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/web-llm-models/v0_2_86/base/';

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

interface Row {
  family: string;
  label: string;
  paramsB: number;
  thinking: boolean;
  /** [modelId, repo under mlc-ai, lib file, vram MB, context window, low resource] */
  variants: [string, string, string, number, number, boolean][];
}

// Copied from prebuiltAppConfig.model_list of @mlc-ai/web-llm 0.2.86; tests/engine/catalog.test.ts checks every field.
const ROWS: Row[] = [
  {
    family: 'Qwen3-1.7B',
    label: 'Qwen3 1.7B (thinking)',
    paramsB: 2.03,
    thinking: true,
    variants: [
      [
        'Qwen3-1.7B-q4f16_1-MLC',
        'Qwen3-1.7B-q4f16_1-MLC',
        'Qwen3-1.7B-q4f16_1_cs1k-webgpu.wasm',
        2036.66,
        4096,
        true,
      ],
      [
        'Qwen3-1.7B-q4f32_1-MLC',
        'Qwen3-1.7B-q4f32_1-MLC',
        'Qwen3-1.7B-q4f32_1_cs1k-webgpu.wasm',
        2635.44,
        4096,
        true,
      ],
    ],
  },
  {
    family: 'Qwen3-4B',
    label: 'Qwen3 4B (thinking)',
    paramsB: 4.02,
    thinking: true,
    variants: [
      [
        'Qwen3-4B-q4f16_1-MLC',
        'Qwen3-4B-q4f16_1-MLC',
        'Qwen3-4B-q4f16_1_cs1k-webgpu.wasm',
        3431.59,
        4096,
        true,
      ],
      [
        'Qwen3-4B-q4f32_1-MLC',
        'Qwen3-4B-q4f32_1-MLC',
        'Qwen3-4B-q4f32_1_cs1k-webgpu.wasm',
        4327.71,
        4096,
        true,
      ],
    ],
  },
  {
    family: 'Qwen3-8B',
    label: 'Qwen3 8B (thinking)',
    paramsB: 8.19,
    thinking: true,
    variants: [
      [
        'Qwen3-8B-q4f16_1-MLC',
        'Qwen3-8B-q4f16_1-MLC',
        'Qwen3-8B-q4f16_1_cs1k-webgpu.wasm',
        5695.78,
        4096,
        false,
      ],
      [
        'Qwen3-8B-q4f32_1-MLC',
        'Qwen3-8B-q4f32_1-MLC',
        'Qwen3-8B-q4f32_1_cs1k-webgpu.wasm',
        6852.55,
        4096,
        false,
      ],
    ],
  },
  {
    family: 'Qwen2.5-1.5B-Instruct',
    label: 'Qwen2.5 1.5B Instruct',
    paramsB: 1.54,
    thinking: false,
    variants: [
      [
        'Qwen2.5-1.5B-Instruct-q4f16_1-MLC',
        'Qwen2.5-1.5B-Instruct-q4f16_1-MLC',
        'Qwen2-1.5B-Instruct-q4f16_1_cs1k-webgpu.wasm',
        1629.75,
        4096,
        true,
      ],
      [
        'Qwen2.5-1.5B-Instruct-q4f32_1-MLC',
        'Qwen2.5-1.5B-Instruct-q4f32_1-MLC',
        'Qwen2-1.5B-Instruct-q4f32_1_cs1k-webgpu.wasm',
        1888.97,
        4096,
        true,
      ],
    ],
  },
  {
    family: 'Qwen2.5-3B-Instruct',
    label: 'Qwen2.5 3B Instruct',
    paramsB: 3.09,
    thinking: false,
    variants: [
      [
        'Qwen2.5-3B-Instruct-q4f16_1-MLC',
        'Qwen2.5-3B-Instruct-q4f16_1-MLC',
        'Qwen2.5-3B-Instruct-q4f16_1_cs1k-webgpu.wasm',
        2504.76,
        4096,
        true,
      ],
      [
        'Qwen2.5-3B-Instruct-q4f32_1-MLC',
        'Qwen2.5-3B-Instruct-q4f32_1-MLC',
        'Qwen2.5-3B-Instruct-q4f32_1_cs1k-webgpu.wasm',
        2893.64,
        4096,
        true,
      ],
    ],
  },
  {
    family: 'Qwen2.5-7B-Instruct',
    label: 'Qwen2.5 7B Instruct',
    paramsB: 7.62,
    thinking: false,
    variants: [
      [
        'Qwen2.5-7B-Instruct-q4f16_1-MLC',
        'Qwen2.5-7B-Instruct-q4f16_1-MLC',
        'Qwen2-7B-Instruct-q4f16_1_cs1k-webgpu.wasm',
        5106.67,
        4096,
        false,
      ],
      [
        'Qwen2.5-7B-Instruct-q4f32_1-MLC',
        'Qwen2.5-7B-Instruct-q4f32_1-MLC',
        'Qwen2-7B-Instruct-q4f32_1_cs1k-webgpu.wasm',
        5900.09,
        4096,
        false,
      ],
    ],
  },
  {
    family: 'Llama-3.2-3B-Instruct',
    label: 'Llama 3.2 3B Instruct',
    paramsB: 3.21,
    thinking: false,
    variants: [
      [
        'Llama-3.2-3B-Instruct-q4f16_1-MLC',
        'Llama-3.2-3B-Instruct-q4f16_1-MLC',
        'Llama-3.2-3B-Instruct-q4f16_1_cs1k-webgpu.wasm',
        2263.69,
        4096,
        true,
      ],
      [
        'Llama-3.2-3B-Instruct-q4f32_1-MLC',
        'Llama-3.2-3B-Instruct-q4f32_1-MLC',
        'Llama-3.2-3B-Instruct-q4f32_1_cs1k-webgpu.wasm',
        2951.51,
        4096,
        true,
      ],
    ],
  },
  {
    family: 'Llama-3.1-8B-Instruct',
    label: 'Llama 3.1 8B Instruct',
    paramsB: 8.03,
    thinking: false,
    variants: [
      [
        'Llama-3.1-8B-Instruct-q4f16_1-MLC',
        'Llama-3.1-8B-Instruct-q4f16_1-MLC',
        'Llama-3_1-8B-Instruct-q4f16_1_cs1k-webgpu.wasm',
        5001,
        4096,
        false,
      ],
      [
        'Llama-3.1-8B-Instruct-q4f32_1-MLC',
        'Llama-3.1-8B-Instruct-q4f32_1-MLC',
        'Llama-3_1-8B-Instruct-q4f32_1_cs1k-webgpu.wasm',
        6101.01,
        4096,
        false,
      ],
      // Same weights with a 1K context: less KV-cache memory, for GPUs that lose the device on the 4K one.
      [
        'Llama-3.1-8B-Instruct-q4f16_1-MLC-1k',
        'Llama-3.1-8B-Instruct-q4f16_1-MLC',
        'Llama-3_1-8B-Instruct-q4f16_1_cs1k-webgpu.wasm',
        4598.34,
        1024,
        true,
      ],
      [
        'Llama-3.1-8B-Instruct-q4f32_1-MLC-1k',
        'Llama-3.1-8B-Instruct-q4f32_1-MLC',
        'Llama-3_1-8B-Instruct-q4f32_1_cs1k-webgpu.wasm',
        5295.7,
        1024,
        true,
      ],
    ],
  },
  {
    family: 'Phi-3.5-mini-instruct',
    label: 'Phi-3.5 mini Instruct',
    paramsB: 3.82,
    thinking: false,
    variants: [
      [
        'Phi-3.5-mini-instruct-q4f16_1-MLC',
        'Phi-3.5-mini-instruct-q4f16_1-MLC',
        'Phi-3.5-mini-instruct-q4f16_1_cs1k-webgpu.wasm',
        3672.07,
        4096,
        false,
      ],
      [
        'Phi-3.5-mini-instruct-q4f32_1-MLC',
        'Phi-3.5-mini-instruct-q4f32_1-MLC',
        'Phi-3.5-mini-instruct-q4f32_1_cs1k-webgpu.wasm',
        5483.12,
        4096,
        false,
      ],
    ],
  },
  {
    family: 'Phi-4-mini-instruct',
    label: 'Phi-4 mini Instruct',
    paramsB: 3.84,
    thinking: false,
    variants: [
      [
        'Phi-4-mini-instruct-q4f16_1-MLC',
        'Phi-4-mini-instruct-q4f16_1-MLC',
        'Phi-4-mini-instruct-q4f16_1_cs1k-webgpu.wasm',
        3437.58,
        4096,
        false,
      ],
      [
        'Phi-4-mini-instruct-q4f32_1-MLC',
        'Phi-4-mini-instruct-q4f32_1-MLC',
        'Phi-4-mini-instruct-q4f32_1_cs1k-webgpu.wasm',
        4220.59,
        4096,
        false,
      ],
    ],
  },
  {
    family: 'DeepSeek-R1-Distill-Qwen-7B',
    label: 'DeepSeek-R1 Distill Qwen 7B (thinking)',
    paramsB: 7.62,
    thinking: true,
    variants: [
      [
        'DeepSeek-R1-Distill-Qwen-7B-q4f16_1-MLC',
        'DeepSeek-R1-Distill-Qwen-7B-q4f16_1-MLC',
        'Qwen2-7B-Instruct-q4f16_1_cs1k-webgpu.wasm',
        5106.67,
        4096,
        false,
      ],
      [
        'DeepSeek-R1-Distill-Qwen-7B-q4f32_1-MLC',
        'DeepSeek-R1-Distill-Qwen-7B-q4f32_1-MLC',
        'Qwen2-7B-Instruct-q4f32_1_cs1k-webgpu.wasm',
        5900.09,
        4096,
        false,
      ],
    ],
  },
  {
    family: 'DeepSeek-R1-Distill-Llama-8B',
    label: 'DeepSeek-R1 Distill Llama 8B (thinking)',
    paramsB: 8.03,
    thinking: true,
    variants: [
      [
        'DeepSeek-R1-Distill-Llama-8B-q4f16_1-MLC',
        'DeepSeek-R1-Distill-Llama-8B-q4f16_1-MLC',
        'Llama-3_1-8B-Instruct-q4f16_1_cs1k-webgpu.wasm',
        5001,
        4096,
        false,
      ],
      [
        'DeepSeek-R1-Distill-Llama-8B-q4f32_1-MLC',
        'DeepSeek-R1-Distill-Llama-8B-q4f32_1-MLC',
        'Llama-3_1-8B-Instruct-q4f32_1_cs1k-webgpu.wasm',
        6101.01,
        4096,
        false,
      ],
    ],
  },
];

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
