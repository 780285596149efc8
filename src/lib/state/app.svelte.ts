// The app's state graph, built once in main.ts and handed to views through a typed context.
import { getContext, setContext } from 'svelte';
import type { JudgeEngine, ModelSpec } from '../engine/types';
import { HistoryState } from './history.svelte';
import { JudgeState } from './judge.svelte';
import { ModelState } from './models.svelte';
import { OpenAIServerState } from './openai.svelte';
import { Router } from './router.svelte';
import { StorageState } from './storage.svelte';
import type { ReviewState } from './review.svelte';

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
  /** Review state lives in the lazily loaded review chunk; created on first use (loadReview). */
  review = $state.raw<ReviewState | null>(null);
  readonly openai: OpenAIServerState;

  constructor(readonly services: AppServices) {
    this.storage = new StorageState(services.dbName);
    this.models = new ModelState(services.engine, services.testModels);
    this.judge = new JudgeState(services.engine, this.models, this.storage);
    this.history = new HistoryState(this.storage);
    this.openai = new OpenAIServerState(this.models);
  }

  async init(): Promise<void> {
    await this.models.init();
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
