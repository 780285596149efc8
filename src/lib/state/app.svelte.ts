// The app's state graph, built once in main.ts and handed to views through a typed context.
import { getContext, setContext } from 'svelte';
import type { JudgeEngine, ModelSpec } from '../engine/types';
import type { DatasetsState } from './datasets.svelte';
import { HistoryState } from './history.svelte';
import { JudgeState } from './judge.svelte';
import { ModelState } from './models.svelte';
import { Router } from './router.svelte';
import { StorageState } from './storage.svelte';

export interface AppServices {
  engine: JudgeEngine;
  /** Models that exist only in the e2e build. */
  testModels: ModelSpec[];
  dbName?: string;
}

export class AppState {
  readonly router = new Router();
  readonly storage: StorageState;
  readonly models: ModelState;
  readonly judge: JudgeState;
  readonly history: HistoryState;

  constructor(readonly services: AppServices) {
    this.storage = new StorageState(services.dbName);
    this.models = new ModelState(services.engine, services.testModels);
    this.judge = new JudgeState(services.engine, this.models, this.storage);
    this.history = new HistoryState(this.storage);
  }

  private datasetsState: Promise<DatasetsState> | null = null;

  /** The Datasets state, loaded with its views on first use so the main bundle stays small. */
  datasets(): Promise<DatasetsState> {
    this.datasetsState ??= import('./datasets.svelte').then(
      (m) => new m.DatasetsState(this.storage),
    );
    return this.datasetsState;
  }

  async init(): Promise<void> {
    await this.models.init();
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
