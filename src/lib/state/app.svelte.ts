// The app's state graph, built once in main.ts and handed to views through a typed context.
import { getContext, setContext } from 'svelte';
import type { JudgeEngine, ModelSpec } from '../engine/types';
import type { GgufCatalogEntry } from '../engine/gguf-catalog';
import type { DatasetsState } from './datasets.svelte';
import { HistoryState } from './history.svelte';
import { JudgeState } from './judge.svelte';
import { LocalModelsState } from './local-models.svelte';
import { PwaState } from './pwa.svelte';
import { PrivacyState } from './privacy.svelte';
import type { DemoState } from './demo.svelte';
import { ModelState } from './models.svelte';
import { OpenAIServerState } from './openai.svelte';
import { Router } from './router.svelte';
import type { RunsState } from './runs.svelte';
import { StorageState } from './storage.svelte';
import { BatchFilesState } from './batch-files.svelte';
import type { ReviewState } from './review.svelte';

export interface AppServices {
  engine: JudgeEngine;
  /** Models that exist only in the e2e build. */
  testModels: ModelSpec[];
  /** GGUF catalog entries that exist only in the e2e build (its tests serve the files). */
  testGguf?: GgufCatalogEntry[];
  dbName?: string;
}

export class AppState {
  readonly router = new Router();
  readonly storage: StorageState;
  readonly models: ModelState;
  readonly judge: JudgeState;
  readonly history: HistoryState;
  /** Review state lives in the lazily loaded review chunk; created on first use (loadReview). */
  review = $state.raw<ReviewState | null>(null);
  readonly openai: OpenAIServerState;
  readonly local: LocalModelsState;
  readonly pwa: PwaState;
  readonly privacy: PrivacyState;
  /** Demo mode's state, made when the Demo page is first opened (its code loads with it). */
  demo = $state.raw<DemoState | null>(null);
  /** Batch runs: the runner's code loads just after start (to resume runs left running), not with the page. */
  runs = $state.raw<RunsState | null>(null);
  /** Batch request files out of a run, results files into one (Runs pages). */
  readonly batchFiles: BatchFilesState;

  constructor(readonly services: AppServices) {
    this.storage = new StorageState(services.dbName);
    this.models = new ModelState(services.engine, services.testModels, services.testGguf);
    this.judge = new JudgeState(services.engine, this.models, this.storage);
    this.models.batchRunOnEngine = () => (this.runs?.owner === true ? this.runs.activeRunId : null);
    this.judge.batchRunOnEngine = () => this.models.batchRunOnEngine();
    this.history = new HistoryState(this.storage);
    this.openai = new OpenAIServerState(this.models);
    this.local = new LocalModelsState(this.models);
    // A new version never swaps code under a running judgment or a model load.
    this.pwa = new PwaState(() => this.busy);
    this.privacy = new PrivacyState(this.models);
    this.batchFiles = new BatchFilesState(this.storage);
  }

  /** Work that an update (page reload) must not interrupt. */
  get busy(): boolean {
    const judging = this.judge.status === 'running' || this.judge.status === 'checking';
    return (
      judging ||
      this.demo?.busy === true ||
      this.models.status === 'loading' ||
      (this.runs?.owner === true && this.runs.activeRunId !== null) ||
      this.local.status === 'storing' ||
      this.datasetsLoaded?.phase === 'reading' ||
      this.datasetsLoaded?.phase === 'importing'
    );
  }

  /** The batch-run state, created once; its module is a chunk of its own. */
  async loadRuns(): Promise<RunsState> {
    if (!this.runs) {
      const { RunsState } = await import('./runs.svelte');
      if (!this.runs) {
        this.runs = new RunsState(this.services.engine, this.models, this.storage);
        // A generation started elsewhere in this tab (Judge, Demo, test prompt, meta-judge)
        // finishes before a batch run takes the engine.
        this.runs.engineBusyElsewhere = () =>
          this.judge.status === 'running' ||
          this.judge.status === 'checking' ||
          this.demo?.busy === true ||
          this.models.testRunning ||
          this.review?.metaRunning === true;
        this.runs.serverSpec = (modelId) => {
          const spec = this.openai.spec();
          return spec.modelId === modelId && spec.modelUrl ? spec : null;
        };
      }
    }
    return this.runs;
  }

  /** The demo's state, created once on first use. */
  async openDemo(): Promise<DemoState> {
    if (!this.demo) {
      const { DemoState } = await import('./demo.svelte');
      this.demo ??= new DemoState(this.services.engine, this.models, this.storage);
    }
    return this.demo;
  }

  private datasetsState: Promise<DatasetsState> | null = null;
  /** The same, once loaded: an import in it is work an update must not cut short. */
  private datasetsLoaded = $state.raw<DatasetsState | null>(null);

  /** The Datasets state, loaded with its views on first use so the main bundle stays small. */
  datasets(): Promise<DatasetsState> {
    this.datasetsState ??= import('./datasets.svelte').then(
      (m) => (this.datasetsLoaded = new m.DatasetsState(this.storage)),
    );
    return this.datasetsState;
  }

  async init(): Promise<void> {
    await this.models.init();
    // Resumes batch runs left running (after a reload or crash) once the models are known.
    void this.loadRuns().then((runs) => runs.init());
  }

  /** The review state, loading its code (metrics, charts' data) on first use only. */
  async loadReview(): Promise<ReviewState> {
    if (this.review) return this.review;
    const { ReviewState } = await import('./review.svelte');
    this.review ??= new ReviewState(this.storage, this.services.engine, this.models);
    return this.review;
  }
}

const KEY = Symbol('arbiter-app');

export function setAppContext(app: AppState): void {
  setContext(KEY, app);
}

export function getAppContext(): AppState {
  const app = getContext<AppState | undefined>(KEY);
  if (!app) throw new Error('AppState context is missing');
  return app;
}
