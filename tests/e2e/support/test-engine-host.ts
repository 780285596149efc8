// The worker side of the e2e build's test engine: answers protocol.ts requests with the deterministic engine.
import { queryDevice } from '../../../src/lib/engine/device';
import { coalescerFor } from '../../../src/lib/engine/coalesce';
import { AbortedError, serializeError } from '../../../src/lib/engine/errors';
import type { Operations, WorkerReply, WorkerRequest } from '../../../src/lib/engine/protocol';
import { DeterministicEngine } from '../../support/deterministic-engine';
import { respond } from './test-judge';

/** What the page tells the test worker before any request (workers have no localStorage). */
export interface TestEngineConfig {
  kind: 'test-config';
  tokensPerSecond: number;
  outputTokens: number;
  loadMs: number;
}

export function isTestEngineConfig(data: unknown): data is TestEngineConfig {
  return (data as { kind?: unknown } | null)?.kind === 'test-config';
}

/**
 * Speaks the same protocol as WebLLMHost, so the real WebLLMEngine client drives it through a
 * real worker: the e2e tests and the benchmark cross postMessage with the real message shapes.
 */
export class TestEngineHost {
  private engine: DeterministicEngine;
  private readonly aborts = new Map<number, AbortController>();

  constructor(
    private readonly post: (reply: WorkerReply) => void,
    config: Omit<TestEngineConfig, 'kind'> = { tokensPerSecond: 0, outputTokens: 0, loadMs: 0 },
  ) {
    this.engine = this.make(config);
  }

  configure(config: Omit<TestEngineConfig, 'kind'>): void {
    this.engine = this.make(config);
  }

  private make(config: Omit<TestEngineConfig, 'kind'>): DeterministicEngine {
    const engine: DeterministicEngine = new DeterministicEngine({
      tokensPerSecond: config.tokensPerSecond,
      loadMs: config.loadMs,
      requireLoad: true,
      respond: (req) =>
        respond(req, engine.thinking, config.outputTokens, engine.loaded?.spec.modelId),
    });
    return engine;
  }

  /** Answer one request. Never rejects: failures are posted as `error` replies. */
  async handle(msg: WorkerRequest): Promise<void> {
    if (msg.kind === 'abort') {
      this.aborts.get(msg.target)?.abort();
      return;
    }
    const abort = new AbortController();
    this.aborts.set(msg.id, abort);
    try {
      const value = await this.run(msg, abort.signal);
      this.post({ kind: 'result', id: msg.id, value });
    } catch (e) {
      this.post({ kind: 'error', id: msg.id, error: serializeError(e) });
    } finally {
      this.aborts.delete(msg.id);
    }
  }

  private async run(
    msg: Exclude<WorkerRequest, { kind: 'abort' }>,
    signal: AbortSignal,
  ): Promise<Operations[typeof msg.kind]['result']> {
    switch (msg.kind) {
      case 'device':
        return queryDevice();
      case 'load': {
        const { loadMs } = await this.engine.load(msg.spec, {
          signal,
          onProgress: (progress) => this.post({ kind: 'progress', id: msg.id, progress }),
        });
        if (signal.aborted) throw new AbortedError();
        return { loadMs };
      }
      case 'generate': {
        // Joined per frame like WebLLMHost does, so the page sees the same message pattern.
        const out = coalescerFor(msg.stream, (delta, tokens) =>
          this.post({ kind: 'token', id: msg.id, delta, tokens }),
        );
        try {
          const result = await this.engine.generate(msg.req, {
            signal,
            onToken: (t) => out?.push(t.delta),
          });
          out?.flush();
          return result;
        } finally {
          out?.cancel();
        }
      }
      case 'countTokens':
        return { count: await this.engine.countTokens(msg.messages), exact: true };
      case 'unload':
        await this.engine.unload();
        return null;
      case 'cacheList':
        return msg.specs.map((s) => ({
          modelId: s.modelId,
          entries: 0,
          bytes: 0,
          complete: false,
        }));
      case 'cacheDelete':
        return { deleted: 0 };
    }
  }
}
