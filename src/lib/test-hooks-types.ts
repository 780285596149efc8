// What the e2e build may inject into the app: extra test models on a deterministic engine, never in production.
import type { JudgeEngine, ModelSpec } from './engine/types';
import type { GgufCatalogEntry } from './engine/gguf-catalog';

export interface TestHooks {
  /** Extra catalog entries that run on the test engine; every other model still uses web-llm. */
  testModels: ModelSpec[];
  createTestEngine(spec: ModelSpec): JudgeEngine;
  /** Extra GGUF catalog entries, downloaded and run by the real llama.cpp engine from a test server. */
  ggufCatalog?: GgufCatalogEntry[];
}
