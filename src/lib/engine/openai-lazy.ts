// A JudgeEngine that loads the OpenAI-compatible engine's code only when a server is first used (keeps it out of the main bundle).
import type { OpenAIEngine, OpenAIEngineOptions } from './openai-engine';
import type { JudgeEngine, LoadedModel, LoadOptions, ModelSpec } from './types';
import { DelegatingEngine } from './delegating';

export class LazyOpenAIEngine extends DelegatingEngine implements JudgeEngine {
  readonly kind = 'openai' as const;
  private inner: OpenAIEngine | null = null;

  constructor(private readonly opts: OpenAIEngineOptions) {
    super();
  }

  protected target(): JudgeEngine | null {
    return this.inner;
  }

  private async engine(): Promise<OpenAIEngine> {
    const { OpenAIEngine } = await import('./openai-engine');
    this.inner ??= new OpenAIEngine(this.opts);
    return this.inner;
  }

  async load(spec: ModelSpec, opts?: LoadOptions): Promise<LoadedModel> {
    return (await this.engine()).load(spec, opts);
  }

  /** The server's models: the endpoint pool's cheap probe. */
  async listModels(signal?: AbortSignal): Promise<{ id: string }[]> {
    return (await this.engine()).listModels(signal);
  }

  get lastCountExact(): boolean {
    return this.inner?.lastCountExact ?? false;
  }

  async unload(): Promise<void> {
    await this.inner?.unload();
  }
}
