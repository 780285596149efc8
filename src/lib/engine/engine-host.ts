// Holds the one engine the app uses at a time and picks which implementation serves a model.
import type {
  ChatMessage,
  GenerateOptions,
  GenerateRequest,
  GenerateResult,
  JudgeEngine,
  LoadedModel,
  LoadOptions,
  ModelSpec,
} from './types';
import { ModelNotLoadedError } from './errors';

/** Makes an engine able to serve `spec`, or returns null when this factory does not handle it. */
export type EngineFactory = (spec: ModelSpec) => JudgeEngine | null;

/**
 * A JudgeEngine that delegates to the engine chosen for the loaded model. Loading another model
 * unloads the previous engine first, so only one model holds GPU memory at a time.
 */
export class EngineHost implements JudgeEngine {
  private current: JudgeEngine | null = null;
  private readonly factories: EngineFactory[];

  constructor(factories: EngineFactory[]) {
    this.factories = factories;
  }

  get kind(): JudgeEngine['kind'] {
    return this.current?.kind ?? 'webllm';
  }

  get loaded(): LoadedModel | null {
    return this.current?.loaded ?? null;
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

  generate(req: GenerateRequest, opts?: GenerateOptions): Promise<GenerateResult> {
    if (!this.current) return Promise.reject(new ModelNotLoadedError());
    return this.current.generate(req, opts);
  }

  countTokens(messages: ChatMessage[]): Promise<number> {
    if (!this.current) return Promise.reject(new ModelNotLoadedError());
    return this.current.countTokens(messages);
  }

  async unload(): Promise<void> {
    const prev = this.current;
    this.current = null;
    await prev?.unload();
  }
}
