// The user's choice of llama.cpp's backend for GGUF models: the CPU (default), or its WebGPU backend where the adapter allows it.
import { llamaWebgpuAvailable, type DeviceInfo } from '../engine/device';
import type { ModelSpec } from '../engine/types';

const KEY = 'arbiter.llamaWebgpu';

class LlamaBackendChoice {
  /** Run GGUF models on llama.cpp's WebGPU backend (kept in this browser). */
  webgpu = $state(globalThis.localStorage?.getItem(KEY) === 'true');

  /** Whether this adapter can run llama.cpp's WebGPU backend (16-bit shaders). */
  available(device: DeviceInfo | null): boolean {
    return llamaWebgpuAvailable(device);
  }

  set(on: boolean): void {
    this.webgpu = on;
    localStorage.setItem(KEY, String(on));
  }

  /** The spec as loaded: a GGUF model on WebGPU when chosen and this adapter can run it. */
  apply(spec: ModelSpec, device: DeviceInfo | null): ModelSpec {
    if (spec.engine !== 'wllama') return spec;
    const { webgpu: _, ...rest } = spec;
    return this.webgpu && llamaWebgpuAvailable(device) ? { ...rest, webgpu: true } : rest;
  }
}

export const llamaBackend = new LlamaBackendChoice();
