// The llama.cpp engine on the main thread: the same worker client as web-llm's, over the wllama worker.
import { WebLLMEngine, type WorkerFactory } from './webllm-engine';

/** The real worker; Vite bundles it (and wllama with it) from the `new URL(…, import.meta.url)` form. */
export const createWllamaWorker: WorkerFactory = () =>
  new Worker(new URL('./wllama.worker.ts', import.meta.url), {
    type: 'module',
    name: 'arbiter-llamacpp',
  });

/** A JudgeEngine for GGUF models (spec.engine 'wllama'); the worker starts on the first load. */
export function createWllamaEngine(createWorker: WorkerFactory = createWllamaWorker): WebLLMEngine {
  return new WebLLMEngine(createWorker, 'wllama');
}
