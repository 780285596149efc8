// The models the picker offers on this device: the test build's models, the catalogs' (web-llm's that fit, llama.cpp's GGUF), and the user's own.
import { modelsForDevice, recommendModel, type CatalogEntry } from './catalog';
import type { DeviceInfo } from './device';
import { GGUF_CATALOG, ggufCatalogSpec, type GgufCatalogEntry } from './gguf-catalog';
import type { ModelSpec } from './types';

/** A model as the picker shows it: a catalog entry (web-llm or GGUF), a test model, or a custom one. */
export interface OfferedModel {
  spec: ModelSpec;
  label: string;
  entry: CatalogEntry | null;
  /** A GGUF catalog model, run by llama.cpp on the CPU: its size, quantization and license. */
  gguf: GgufCatalogEntry | null;
  /** Shown for models that exist only in the test build. */
  test: boolean;
}

/** The recommended model, from either catalog: what the picker names and why. */
export interface OfferedRecommendation {
  entry: Pick<CatalogEntry, 'modelId' | 'label'>;
  /** Why this one, in plain words for the UI. */
  reason: string;
  /** True when generation will be slow enough that the UI should warn before a long run. */
  slow: boolean;
}

/** GGUF models to offer: a catalog's, and the test build's (served by the e2e tests). */
export interface OfferedGguf {
  catalog: readonly GgufCatalogEntry[];
  test?: readonly GgufCatalogEntry[];
}

/**
 * Test models first (only the e2e build has any), then web-llm's catalog for `device`, then the
 * GGUF catalog once the device is known (llama.cpp runs on any device, WebGPU or not), then
 * custom ones.
 */
export function offeredModels(
  testModels: readonly ModelSpec[],
  device: DeviceInfo | null,
  customModels: readonly ModelSpec[],
  ggufModels: OfferedGguf = { catalog: [] },
): OfferedModel[] {
  const gguf = (entries: readonly GgufCatalogEntry[], test: boolean): OfferedModel[] =>
    entries.map((e) => ({ spec: ggufCatalogSpec(e), label: e.label, entry: null, gguf: e, test }));
  return [
    ...testModels.map((spec) => ({
      spec,
      label: spec.modelId,
      entry: null,
      gguf: null,
      test: true,
    })),
    ...gguf(ggufModels.test ?? [], true),
    ...(device ? modelsForDevice(device) : []).map((entry) => ({
      spec: entry as ModelSpec,
      label: entry.label,
      entry,
      gguf: null,
      test: false,
    })),
    ...(device ? gguf(ggufModels.catalog, false) : []),
    ...customModels.map((spec) => ({
      spec,
      label: `${spec.modelId} (custom)`,
      entry: null,
      gguf: null,
      test: false,
    })),
  ];
}

// On the CPU every generated token counts: a judge that answers without a long reasoning phase.
const CPU_DEFAULT = 'Qwen2.5-1.5B-Instruct-Q4_K_M-GGUF';
const CPU_SMALL = 'Qwen2.5-0.5B-Instruct-Q4_K_M-GGUF';

/**
 * The GGUF judge for llama.cpp on the CPU, for a browser without WebGPU: the smallest where the
 * browser reports little memory (`navigator.deviceMemory`, which Chrome caps at 8).
 */
export function recommendGguf(
  deviceMemoryGB?: number,
  catalog: readonly GgufCatalogEntry[] = GGUF_CATALOG,
): OfferedRecommendation | null {
  const small = deviceMemoryGB !== undefined && deviceMemoryGB <= 4;
  const entry = catalog.find((e) => e.modelId === (small ? CPU_SMALL : CPU_DEFAULT));
  if (!entry) return null;
  const size = `about ${entry.approxMB >= 1000 ? `${(entry.approxMB / 1000).toFixed(1)} GB` : `${entry.approxMB} MB`} to download`;
  return {
    entry,
    reason: small
      ? `Without WebGPU, llama.cpp runs GGUF models on the CPU; this browser reports little memory, so the smallest judge (${size}).`
      : `Without WebGPU, llama.cpp runs GGUF models on the CPU; a small judge that answers without a long reasoning phase, so a judgment takes fewer tokens (${size}).`,
    slow: false,
  };
}

/** web-llm's pick where WebGPU works; without it, a GGUF judge for llama.cpp. */
export function recommendOffered(
  device: DeviceInfo | null,
  deviceMemoryGB?: number,
): OfferedRecommendation | null {
  if (!device) return null;
  if (device.webgpu) return recommendModel(device, deviceMemoryGB);
  return recommendGguf(deviceMemoryGB);
}
