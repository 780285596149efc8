// Device check in real Chromium: the SwiftShader fallback adapter, what it may run, and what it is recommended.
import { describe, expect, it } from 'vitest';
import { modelsForDevice, recommendModel } from '../../src/lib/engine/catalog';
import { describeDevice, queryDevice } from '../../src/lib/engine/device';

describe('device check on the main thread', () => {
  it('sees the SwiftShader adapter as a fallback without shader-f16', async () => {
    const d = await queryDevice();
    console.log('device', JSON.stringify(d), describeDevice(d));
    expect(d.webgpu).toBe(true);
    expect(d.isFallbackAdapter).toBe(true);
    expect(d.shaderF16).toBe(false);
    expect(d.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(d.maxBufferSize).toBeGreaterThan(0);
    expect(describeDevice(d)).toMatch(/software adapter/);
  });

  it('offers only f32 models and recommends a small one with a warning', async () => {
    const d = await queryDevice();
    const models = modelsForDevice(d);
    expect(models.length).toBeGreaterThan(0);
    expect(models.every((m) => m.quantization === 'q4f32_1' || m.quantization === 'q0f32')).toBe(
      true,
    );
    const rec = recommendModel(d);
    expect(rec).not.toBeNull();
    expect(rec!.slow).toBe(true);
    expect(models).toContain(rec!.entry);
    expect(rec!.entry.vramMB).toBe(
      Math.min(...models.filter((m) => m.contextWindow >= 4096).map((m) => m.vramMB)),
    );
  });
});
