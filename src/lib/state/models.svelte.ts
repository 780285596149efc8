// Model state the views read: the device, the models it can run, loading with progress, the cache.
import { customModelSpec, type CustomModelInput } from '../engine/catalog';
import { canRunHere, describeDevice, queryDevice, type DeviceInfo } from '../engine/device';
import {
  deleteModelFiles,
  listCachedModels,
  requestPersistentStorage,
  storageState,
  type CachedModel,
  type StorageState,
} from '../engine/cache';
import { AbortedError } from '../engine/errors';
import { GGUF_CATALOG, type GgufCatalogEntry } from '../engine/gguf-catalog';
import { offeredModels, recommendOffered, type OfferedModel } from '../engine/offered';
import { runTestPrompt, type TestPromptResult } from '../engine/test-prompt';
import type { JudgeEngine, LoadedModel, LoadProgress, ModelSpec } from '../engine/types';
import { llamaBackend } from './llama-backend.svelte';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export type { OfferedModel } from '../engine/offered';
export type { TestPromptResult } from '../engine/test-prompt';

const CUSTOM_KEY = 'arbiter.customModels';
const SELECTED_KEY = 'arbiter.selectedModel';

/** Why a generation is refused while a batch run holds the engine, and what to do. */
export const ENGINE_BUSY =
  'The judge model is busy with a batch run in this tab. Pause it (Runs) or wait until it finishes, then try again.';

export class ModelState {
  private readonly engine: JudgeEngine;
  /** Models of the e2e build's test engine; empty in production. */
  private testModels = $state.raw<ModelSpec[]>([]);
  /** GGUF catalog entries of the e2e build, served by its tests; empty in production. */
  private testGguf = $state.raw<GgufCatalogEntry[]>([]);
  device = $state.raw<DeviceInfo | null>(null);
  deviceError = $state<unknown>(null);
  customModels = $state.raw<ModelSpec[]>([]);
  selectedId = $state<string | null>(null);
  status = $state<LoadStatus>('idle');
  progress = $state.raw<LoadProgress | null>(null);
  /** Progress per phase seen during this load, so the UI can show each phase's bar. */
  phases = $state.raw<LoadProgress[]>([]);
  loaded = $state.raw<LoadedModel | null>(null);
  error = $state<unknown>(null);
  /** The engine of the current or last load: a server's failure is shown by its own panel. */
  loadEngine = $state<ModelSpec['engine'] | null>(null);
  cache = $state.raw<CachedModel[]>([]);
  storage = $state.raw<StorageState | null>(null);
  cacheError = $state<unknown>(null);
  testResult = $state.raw<TestPromptResult | null>(null);
  testRunning = $state(false);
  /**
   * The batch run using this tab's engine now, if any (set by AppState). One engine runs one
   * generation at a time, so every other use of it (Judge, Demo, test prompt, meta-judge) waits.
   */
  batchRunOnEngine: () => string | null = () => null;
  testError = $state<unknown>(null);
  /** The test prompt's answer as it streams. */
  testText = $state('');
  private testAbort: AbortController | null = null;

  readonly description = $derived(this.device ? describeDevice(this.device) : '');
  readonly recommendation = $derived(recommendOffered(this.device, navigatorMemory()));
  readonly offered = $derived<OfferedModel[]>(
    offeredModels(this.testModels, this.device, this.customModels, {
      catalog: GGUF_CATALOG,
      test: this.testGguf,
    }),
  );
  readonly selected = $derived<OfferedModel | null>(
    this.offered.find((m) => m.spec.modelId === this.selectedId) ?? null,
  );
  /** Whether this browser can run the selected model (web-llm needs WebGPU; llama.cpp and servers do not). */
  readonly selectedRunsHere = $derived(
    this.selected !== null && canRunHere(this.selected.spec, this.device),
  );

  private abort: AbortController | null = null;

  constructor(
    engine: JudgeEngine,
    testModels: ModelSpec[] = [],
    testGguf: GgufCatalogEntry[] = [],
  ) {
    this.engine = engine;
    this.testModels = testModels;
    this.testGguf = testGguf;
    this.customModels = readJson<ModelSpec[]>(CUSTOM_KEY) ?? [];
    this.selectedId = localStorage.getItem(SELECTED_KEY);
  }

  /** Query the GPU, then pick the recommended model unless the user chose one before. */
  async init(): Promise<void> {
    try {
      this.device = await queryDevice();
    } catch (e) {
      this.deviceError = e;
    }
    if (!this.selected)
      this.selectedId = this.testModels[0]?.modelId ?? this.recommendation?.entry.modelId ?? null;
    await this.refreshCache();
  }

  select(modelId: string): void {
    this.selectedId = modelId;
    localStorage.setItem(SELECTED_KEY, modelId);
  }

  /** Add a model given by absolute URLs; throws InvalidModelSpecError naming the bad field. */
  addCustom(input: CustomModelInput): ModelSpec {
    const spec = customModelSpec(input);
    this.customModels = [...this.customModels.filter((m) => m.modelId !== spec.modelId), spec];
    localStorage.setItem(CUSTOM_KEY, JSON.stringify(this.customModels));
    this.select(spec.modelId);
    return spec;
  }

  removeCustom(modelId: string): void {
    this.customModels = this.customModels.filter((m) => m.modelId !== modelId);
    localStorage.setItem(CUSTOM_KEY, JSON.stringify(this.customModels));
  }

  /** Download (or read from cache) and load the selected model. Resolves once it is ready or failed. */
  async load(given: ModelSpec | undefined = this.selected?.spec): Promise<void> {
    if (!given) return;
    const spec = llamaBackend.apply(given, this.device);
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.status = 'loading';
    this.error = null;
    this.loadEngine = spec.engine;
    this.loaded = null;
    this.progress = null;
    this.phases = [];
    this.testResult = null;
    this.testText = '';
    try {
      this.loaded = await this.engine.load(spec, {
        signal: abort.signal,
        onProgress: (p) => {
          if (this.abort !== abort) return;
          this.progress = p;
          this.phases = [...this.phases.filter((q) => q.phase !== p.phase), p];
        },
      });
      if (this.abort === abort) this.status = 'ready';
    } catch (e) {
      if (this.abort !== abort) return;
      this.status = e instanceof AbortedError ? 'idle' : 'error';
      // The worker purges a failed model's cache when it may be poisoned (shouldPurgeAfterFailedLoad)
      // and keeps complete files after a network error, so that Retry continues the download.
      this.error = e instanceof AbortedError ? null : e;
    } finally {
      if (this.abort === abort) this.abort = null;
      await this.refreshCache();
    }
  }

  cancel(): void {
    this.abort?.abort();
    this.abort = null;
    this.status = 'idle';
    this.progress = null;
  }

  async unload(): Promise<void> {
    await this.engine.unload().catch(() => undefined);
    this.loaded = null;
    this.status = 'idle';
  }

  /** A short generation, streamed and cancellable, to see that the model works and how fast it is here. */
  async runTestPrompt(): Promise<void> {
    const spec = this.loaded?.spec;
    if (!spec || this.testRunning) return;
    if (this.batchRunOnEngine() !== null) {
      this.testError = new Error(ENGINE_BUSY);
      return;
    }
    this.testRunning = true;
    this.testError = null;
    this.testResult = null;
    this.testText = '';
    const abort = new AbortController();
    this.testAbort = abort;
    try {
      this.testResult = await runTestPrompt(this.engine, spec, abort.signal, (text) => {
        if (this.testAbort === abort) this.testText = text;
      });
    } catch (e) {
      // Cancelled by the user: what streamed stays visible, no error.
      if (!(e instanceof AbortedError) && (e as Error | undefined)?.name !== 'AbortedError')
        this.testError = e;
    } finally {
      if (this.testAbort === abort) this.testAbort = null;
      this.testRunning = false;
    }
  }

  cancelTestPrompt(): void {
    this.testAbort?.abort();
  }

  async refreshCache(): Promise<void> {
    try {
      // Test models too: the e2e model-pack test seeds files under their URLs.
      const specs = this.offered.map((m) => m.spec);
      [this.cache, this.storage] = await Promise.all([listCachedModels(specs), storageState()]);
      this.cacheError = null;
    } catch (e) {
      this.cacheError = e;
    }
  }

  cachedOf(modelId: string): CachedModel | undefined {
    return this.cache.find((c) => c.modelId === modelId && c.entries > 0);
  }

  /** Delete a model's files; works offline because it deletes cache keys directly. */
  async deleteCached(spec: ModelSpec): Promise<void> {
    try {
      if (this.loaded?.spec.modelId === spec.modelId) await this.unload();
      await deleteModelFiles(spec);
    } catch (e) {
      this.cacheError = e;
    }
    await this.refreshCache();
  }

  async persist(): Promise<void> {
    await requestPersistentStorage();
    await this.refreshCache();
  }
}

function navigatorMemory(): number | undefined {
  return (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
}

function readJson<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}
