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

  async load(spec: ModelSpec, opts?: LoadOptions): Promise<LoadedModel> {
    const { OpenAIEngine } = await import('./openai-engine');
    this.inner ??= new OpenAIEngine(this.opts);
    return this.inner.load(spec, opts);
  }

  async unload(): Promise<void> {
    await this.inner?.unload();
  }
}
