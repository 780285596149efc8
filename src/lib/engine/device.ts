// WebGPU device check: what this browser's GPU offers, in data and in plain words. Runs on the main thread and in workers.

/** What the UI and the catalog need to know about the GPU. Plain data, so it crosses postMessage. */
export interface DeviceInfo {
  webgpu: boolean;
  /** Why there is no usable adapter, when `webgpu` is false. */
  reason: string | null;
  vendor: string;
  architecture: string;
  description: string;
  /** A software adapter (SwiftShader, WARP, llvmpipe): it works, but models run very slowly. */
  isFallbackAdapter: boolean;
  shaderF16: boolean;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

/** The answer for a browser without WebGPU; also handy as a test fixture. */
export function noWebGPU(reason: string): DeviceInfo {
  return {
    webgpu: false,
    reason,
    vendor: '',
    architecture: '',
    description: '',
    isFallbackAdapter: false,
    shaderF16: false,
    maxBufferSize: 0,
    maxStorageBufferBindingSize: 0,
  };
}

// Software rasterisers that some browsers report without setting isFallbackAdapter.
const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|warp/i;

/**
 * Ask the browser for a WebGPU adapter and describe it. Never throws: a missing or failing
 * WebGPU becomes `webgpu: false` with a reason, because that is an answer, not an error.
 * @param gpu defaults to `navigator.gpu` of the current scope (window or worker).
 */
export async function queryDevice(gpu: GPU | undefined = globalGPU()): Promise<DeviceInfo> {
  if (!gpu) return noWebGPU('This browser does not expose navigator.gpu.');
  let adapter: GPUAdapter | null;
  try {
    // web-llm asks for high-performance too; asking the same way reports the adapter it will get.
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return noWebGPU(`requestAdapter() failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!adapter)
    return noWebGPU(
      'WebGPU is present but the browser offered no GPU adapter (it may be blocked or disabled).',
    );
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  // Chrome moved isFallbackAdapter from the adapter to adapter.info; read both.
  const legacyFallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean })
    .isFallbackAdapter;
  const names = `${info.vendor} ${info.architecture} ${info.description} ${info.device}`;
  return {
    webgpu: true,
    reason: null,
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    isFallbackAdapter:
      Boolean(info.isFallbackAdapter ?? legacyFallback) || SOFTWARE_NAMES.test(names),
    shaderF16: adapter.features.has('shader-f16'),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}

function globalGPU(): GPU | undefined {
  return (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
}

const MiB = 1024 * 1024;

function formatBytes(n: number): string {
  return n >= 1024 * MiB
    ? `${(n / (1024 * MiB)).toFixed(n % (1024 * MiB) === 0 ? 0 : 1)} GiB`
    : `${Math.round(n / MiB)} MiB`;
}

/** One or two sentences for the UI about what this device can do. */
export function describeDevice(d: DeviceInfo): string {
  if (!d.webgpu) {
    return `No WebGPU: ${d.reason ?? 'unknown reason'} web-llm models cannot run in this browser; llama.cpp runs GGUF models on the CPU instead (Model from files), or use an OpenAI-compatible server.`;
  }
  const name =
    [d.vendor, d.architecture].filter(Boolean).join(' ') || d.description || 'an unnamed GPU';
  const parts: string[] = [];
  if (d.isFallbackAdapter) {
    parts.push(
      `WebGPU runs on a software adapter (${d.description || name}), not a real GPU: models load but run very slowly. Use a small q4f32 model, or a machine with a GPU.`,
    );
  } else {
    parts.push(
      `WebGPU on ${name}${d.description && !name.includes(d.description) ? ` (${d.description})` : ''}.`,
    );
  }
  parts.push(
    d.shaderF16
      ? '16-bit shaders are available, so q4f16 models (smaller, faster) can run.'
      : 'No 16-bit shaders (shader-f16): only q4f32 models can run.',
  );
  parts.push(
    `Largest GPU buffer: ${formatBytes(d.maxBufferSize)}; largest storage binding: ${formatBytes(d.maxStorageBufferBindingSize)}.`,
  );
  return parts.join(' ');
}

/**
 * Whether this browser can run a model: web-llm needs WebGPU; llama.cpp (GGUF) runs on the CPU
 * and an OpenAI-compatible server elsewhere. Unknown device (still checking): assume it can.
 */
export function canRunHere(spec: { engine?: string | undefined }, d: DeviceInfo | null): boolean {
  if (spec.engine === 'wllama' || spec.engine === 'openai') return true;
  return d?.webgpu !== false;
}

/**
 * Whether llama.cpp's WebGPU backend (wllama 3.13.0) can run here: it needs an adapter with
 * 16-bit shaders. Without shader-f16 ggml-webgpu registers no device and llama.cpp stays on the
 * CPU (llama.cpp issue #23844, wllama issue #241; in Chromium's software adapter, which lacks
 * shader-f16, tests/engine/wllama-webgpu.browser.test.ts sees exactly that).
 */
export function llamaWebgpuAvailable(d: DeviceInfo | null): boolean {
  return d?.webgpu === true && d.shaderF16;
}
