// What the e2e build may inject into the app: extra test models on a deterministic engine, never in production.
import type { JudgeEngine, ModelSpec } from './engine/types';

export interface TestHooks {
  /** Extra catalog entries that run on the test engine; every other model still uses web-llm. */
  testModels: ModelSpec[];
  createTestEngine(spec: ModelSpec): JudgeEngine;
}
