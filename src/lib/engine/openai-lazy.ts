// A JudgeEngine that loads the OpenAI-compatible engine's code only when a server is first used (keeps it out of the main bundle).
import { ModelNotLoadedError } from './errors';
import type { OpenAIEngine, OpenAIEngineOptions } from './openai-engine';
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

export class LazyOpenAIEngine implements JudgeEngine {
  readonly kind = 'openai' as const;
  private inner: OpenAIEngine | null = null;

  constructor(private readonly opts: OpenAIEngineOptions) {}

  get loaded(): LoadedModel | null {
    return this.inner?.loaded ?? null;
  }

  async load(spec: ModelSpec, opts?: LoadOptions): Promise<LoadedModel> {
    const { OpenAIEngine } = await import('./openai-engine');
    this.inner ??= new OpenAIEngine(this.opts);
    return this.inner.load(spec, opts);
  }

  generate(req: GenerateRequest, opts?: GenerateOptions): Promise<GenerateResult> {
    if (!this.inner) return Promise.reject(new ModelNotLoadedError());
    return this.inner.generate(req, opts);
  }

  countTokens(messages: ChatMessage[]): Promise<number> {
    if (!this.inner) return Promise.reject(new ModelNotLoadedError());
    return this.inner.countTokens(messages);
  }

  async unload(): Promise<void> {
    await this.inner?.unload();
  }
}
