// What the e2e build may inject into the app: only ever the test engine, never in production builds.
import type { JudgeEngine } from './engine/types';

export interface TestHooks {
  /** Replaces the web-llm worker engine so judging can be driven deterministically in e2e tests. */
  createEngine: () => JudgeEngine;
}
