// The picker's offered models: test models first, then the catalog's that fit the device, then custom ones.
import { describe, expect, test } from 'vitest';
import { modelsForDevice } from '../../src/lib/engine/catalog';
import type { DeviceInfo } from '../../src/lib/engine/device';
import { offeredModels } from '../../src/lib/engine/offered';
import type { ModelSpec } from '../../src/lib/engine/types';

const GiB = 1024 ** 3;
const device: DeviceInfo = {
  webgpu: true,
  reason: null,
  vendor: 'nvidia',
  architecture: 'ampere',
  description: '',
  isFallbackAdapter: false,
  shaderF16: true,
  maxBufferSize: 2 * GiB,
  maxStorageBufferBindingSize: 2 * GiB,
};
const model = (modelId: string): ModelSpec => ({
  modelId,
  modelUrl: `https://example.org/${modelId}/`,
  modelLibUrl: `https://example.org/${modelId}.wasm`,
  contextWindow: 4096,
  thinking: false,
});

describe('offeredModels', () => {
  test('orders test, catalog and custom models, each labelled', () => {
    const offered = offeredModels([model('test-judge')], device, [model('mine')]);
    const catalog = modelsForDevice(device);
    expect(catalog.length).toBeGreaterThan(0);
    expect(offered).toHaveLength(catalog.length + 2);
    expect(offered[0]).toMatchObject({ label: 'test-judge', entry: null, test: true });
    expect(offered[1]).toMatchObject({ label: catalog[0]?.label, entry: catalog[0], test: false });
    expect(offered.at(-1)).toMatchObject({ label: 'mine (custom)', entry: null, test: false });
  });

  test('no device yet: only the test and custom models', () => {
    expect(offeredModels([], null, [model('mine')]).map((m) => m.spec.modelId)).toEqual(['mine']);
  });
});
