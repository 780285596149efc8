// The models the picker offers on this device: the test build's models, the catalog's that fit, and the user's own.
import { modelsForDevice, type CatalogEntry } from './catalog';
import type { DeviceInfo } from './device';
import type { ModelSpec } from './types';

/** A model as the picker shows it: a catalog entry, a test model, or a custom one. */
export interface OfferedModel {
  spec: ModelSpec;
  label: string;
  entry: CatalogEntry | null;
  /** Shown for models that exist only in the test build. */
  test: boolean;
}

/** Test models first (only the e2e build has any), then the catalog's for `device`, then custom ones. */
export function offeredModels(
  testModels: readonly ModelSpec[],
  device: DeviceInfo | null,
  customModels: readonly ModelSpec[],
): OfferedModel[] {
  return [
    ...testModels.map((spec) => ({ spec, label: spec.modelId, entry: null, test: true })),
    ...(device ? modelsForDevice(device) : []).map((entry) => ({
      spec: entry as ModelSpec,
      label: entry.label,
      entry,
      test: false,
    })),
    ...customModels.map((spec) => ({
      spec,
      label: `${spec.modelId} (custom)`,
      entry: null,
      test: false,
    })),
  ];
}
