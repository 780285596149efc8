// Device check in real Chromium: whatever adapter this machine has (SwiftShader here, a GPU elsewhere), what it may run and what is recommended.
import { describe, expect, it } from 'vitest';
import { modelsForDevice, recommendModel } from '../../src/lib/engine/catalog';
import { describeDevice, queryDevice } from '../../src/lib/engine/device';

describe('device check on the main thread', () => {
  it('describes the adapter it gets: software or hardware, shader-f16 or not, its limits', async () => {
    const d = await queryDevice();
    console.log('device', JSON.stringify(d), describeDevice(d));
    expect(d.webgpu).toBe(true);
    expect(typeof d.isFallbackAdapter).toBe('boolean');
    expect(typeof d.shaderF16).toBe('boolean');
    expect(d.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(d.maxBufferSize).toBeGreaterThan(0);
    const text = describeDevice(d);
    expect(/software adapter/.test(text)).toBe(d.isFallbackAdapter);
    expect(text).toMatch(d.shaderF16 ? /q4f16 models/ : /only q4f32 models/);
  });

  it('offers the models the adapter can run and recommends one of them', async () => {
    const d = await queryDevice();
    const models = modelsForDevice(d);
    expect(models.length).toBeGreaterThan(0);
    // Without shader-f16 only f32 models; with it, the f16 ones are offered too.
    expect(models.some((m) => m.quantization.includes('f16'))).toBe(d.shaderF16);
    const rec = recommendModel(d);
    expect(rec).not.toBeNull();
    expect(models).toContain(rec!.entry);
    // A software adapter gets the smallest usable model and a warning that it will be slow.
    expect(rec!.slow).toBe(d.isFallbackAdapter);
    if (d.isFallbackAdapter)
      expect(rec!.entry.vramMB).toBe(
        Math.min(...models.filter((m) => m.contextWindow >= 4096).map((m) => m.vramMB)),
      );
  });
});
