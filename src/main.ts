// Entry point: picks the engines, builds the app state and mounts the app.
import { mount } from 'svelte';
import App from './App.svelte';
import { EngineHost } from './lib/engine/engine-host';
import { WebLLMEngine } from './lib/engine/webllm-engine';
import { createWllamaEngine } from './lib/engine/wllama-engine';
import type { JudgeEngine } from './lib/engine/types';
import { AppState } from './lib/state/app.svelte';
import { testHooks } from '$test-hooks';
import { registerSW } from 'virtual:pwa-register';
import { loadMarkdown } from './lib/ui/markdown';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

const testModels = testHooks?.testModels ?? [];
let webllm: WebLLMEngine | null = null;
let llamacpp: WebLLMEngine | null = null;
// The workers (web-llm, llama.cpp) start only when a model of theirs is first loaded.
const engine = new EngineHost([
  (spec) =>
    testHooks && testModels.some((m) => m.modelId === spec.modelId)
      ? testHooks.createTestEngine(spec)
      : null,
  // The app is built below; this runs only when a model loads, by then it exists.
  (spec): JudgeEngine | null => (spec.engine === 'openai' ? app.openai.createEngine(spec) : null),
  (spec) => (spec.engine === 'wllama' ? (llamacpp ??= createWllamaEngine()) : null),
  () => (webllm ??= new WebLLMEngine()),
]);

const app: AppState = new AppState({
  engine,
  testModels,
  testGguf: testHooks?.ggufCatalog ?? [],
});
// Recording starts first, so the privacy panel lists the app's own first requests too.
app.privacy.start();
app.pwa.start((callbacks) => registerSW({ immediate: true, ...callbacks }));
void app.init();

const mounted = mount(App, { target, props: { app } });
// The Markdown renderer is not in the first download; it follows right after the first paint.
requestAnimationFrame(() => setTimeout(() => void loadMarkdown().catch(() => undefined)));

export default mounted;
