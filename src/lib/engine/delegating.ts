// The plumbing shared by engines that pass the work to another engine (the host, the lazy OpenAI engine).
import type {
  ChatMessage,
  GenerateOptions,
  GenerateRequest,
  GenerateResult,
  JudgeEngine,
  LoadedModel,
} from './types';
import { ModelNotLoadedError } from './errors';

/**
 * Forwards `loaded`, `generate` and `countTokens` to the engine `target()` returns. Without one
 * (nothing loaded yet, or unloaded) a call rejects with `ModelNotLoadedError`, never throws.
 */
export abstract class DelegatingEngine {
  /** The engine that serves calls now, or null when none is loaded. */
  protected abstract target(): JudgeEngine | null;

  get loaded(): LoadedModel | null {
    return this.target()?.loaded ?? null;
  }

  get parallelism(): number {
    return this.target()?.parallelism ?? 1;
  }

  generate(req: GenerateRequest, opts?: GenerateOptions): Promise<GenerateResult> {
    const engine = this.target();
    if (!engine) return Promise.reject(new ModelNotLoadedError());
    return engine.generate(req, opts);
  }

  countTokens(messages: ChatMessage[]): Promise<number> {
    const engine = this.target();
    if (!engine) return Promise.reject(new ModelNotLoadedError());
    return engine.countTokens(messages);
  }
}
