// When llama.cpp's WebGPU backend is offered, and how the engine tells where llama.cpp really put the layers.
import { describe, expect, it } from 'vitest';
import { llamaWebgpuAvailable, noWebGPU, type DeviceInfo } from '../../src/lib/engine/device';
import { offloadedLayers } from '../../src/lib/engine/wllama-host';

const gpu = (shaderF16: boolean): DeviceInfo => ({
  ...noWebGPU(''),
  webgpu: true,
  reason: null,
  shaderF16,
});

describe('llamaWebgpuAvailable', () => {
  it.each<[string, DeviceInfo | null, boolean]>([
    ['an adapter with 16-bit shaders', gpu(true), true],
    ['an adapter without them (SwiftShader): ggml-webgpu registers no device', gpu(false), false],
    ['no WebGPU', noWebGPU('no adapter'), false],
    ['not checked yet', null, false],
  ])('%s', (_, d, expected) => {
    expect(llamaWebgpuAvailable(d)).toBe(expected);
  });
});

describe('offloadedLayers', () => {
  it('reads llama.cpp load log lines', () => {
    expect(
      offloadedLayers([
        'load_tensors: loading model tensors, this can take a while... (load_mode = none)',
        'load_tensors: offloading 2 repeating layers to GPU',
        'load_tensors: offloaded 3/3 layers to GPU',
      ]),
    ).toEqual({ gpu: 3, total: 3 });
  });

  it('no offload line (the CPU path, as with the software adapter): null', () => {
    expect(offloadedLayers(['load_tensors:          CPU model buffer size =     0.54 MiB'])).toBe(
      null,
    );
  });
});
