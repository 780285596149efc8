// Holds the one engine the app uses at a time and picks which implementation serves a model.
import type { JudgeEngine, LoadedModel, LoadOptions, ModelSpec } from './types';
import { ModelNotLoadedError } from './errors';
import { DelegatingEngine } from './delegating';

/** Makes an engine able to serve `spec`, or returns null when this factory does not handle it. */
export type EngineFactory = (spec: ModelSpec) => JudgeEngine | null;

/**
 * A JudgeEngine that delegates to the engine chosen for the loaded model. Loading another model
 * unloads the previous engine first, so only one model holds GPU memory at a time.
 */
export class EngineHost extends DelegatingEngine implements JudgeEngine {
  private current: JudgeEngine | null = null;
  private readonly factories: EngineFactory[];

  constructor(factories: EngineFactory[]) {
    super();
    this.factories = factories;
  }

  protected target(): JudgeEngine | null {
    return this.current;
  }

  get kind(): JudgeEngine['kind'] {
    return this.current?.kind ?? 'webllm';
  }

  async load(spec: ModelSpec, opts?: LoadOptions): Promise<LoadedModel> {
    const engine = this.factories.map((f) => f(spec)).find((e) => e !== null);
    if (!engine) throw new ModelNotLoadedError(`No engine can run ${spec.modelId}.`);
    if (this.current && this.current !== engine) {
      const prev = this.current;
      this.current = null;
      // A failing unload must not block loading the next model.
      await prev.unload().catch(() => undefined);
    }
    this.current = engine;
    return engine.load(spec, opts);
  }

  async unload(): Promise<void> {
    const prev = this.current;
    this.current = null;
    await prev?.unload();
  }
}
