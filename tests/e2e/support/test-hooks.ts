// Test hooks linked only into the e2e build: test models served by the deterministic engine in a worker.
import type { TestHooks } from '../../../src/lib/test-hooks-types';
import type { GenerateRequest, ModelSpec } from '../../../src/lib/engine/types';
import type { WorkerRequest } from '../../../src/lib/engine/protocol';
import { WebLLMEngine, type WorkerLike } from '../../../src/lib/engine/webllm-engine';
import { DeviceLostError, serializeError } from '../../../src/lib/engine/errors';
import type { TestEngineConfig } from './test-engine-host';
import type { GgufCatalogEntry } from '../../../src/lib/engine/gguf-catalog';

/** What e2e tests and the benchmark read from the page (window.__arbiterTest). */
export interface TestEngineStats {
  /** Generate requests posted to the test worker, per model id (the "no work twice" check). */
  requests: Record<string, number>;
  /** The last generate request posted for each model id, as it crossed the worker boundary. */
  lastRequest: Record<string, GenerateRequest>;
  /** performance.now() when the last token message reached the page. */
  lastTokenAt: number;
  /** performance.now() when the last generate request was posted to the worker. */
  lastGenerateAt: number;
}

const stats: TestEngineStats = { requests: {}, lastRequest: {}, lastTokenAt: 0, lastGenerateAt: 0 };
(window as unknown as { __arbiterTest: TestEngineStats }).__arbiterTest = stats;

function setting(key: string, fallback: number): number {
  const v = Number(localStorage.getItem(key));
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const base = {
  modelUrl: 'http://127.0.0.1/test-models/',
  modelLibUrl: 'http://127.0.0.1/test.wasm',
};

const testModels: ModelSpec[] = [
  { ...base, modelId: 'arbiter-test-judge', contextWindow: 4096, thinking: true },
  { ...base, modelId: 'arbiter-test-judge-small-context', contextWindow: 512, thinking: false },
  // Judges that disagree, for panels (tests/support/test-judges.ts): each under its own URL, so
  // files cached for the two above are not listed as theirs.
  ...['arbiter-test-flipper', 'arbiter-test-longer', 'arbiter-test-good'].map((modelId) => ({
    modelId,
    modelUrl: `http://127.0.0.1/test-models/${modelId}/`,
    modelLibUrl: base.modelLibUrl,
    contextWindow: 4096,
    thinking: false,
  })),
];

/**
 * Failures the e2e tests inject: localStorage 'arbiter.test.failAt' = JSON like
 * {"5":"device-lost","9":"crash"}, keyed by the 1-based generate call of this page; each fires once.
 * A device loss comes back as the worker's error reply; a crash fires the worker's `error` event,
 * as an uncaught error in a real worker does, so the client's own crash handling runs.
 */
let generateCalls = 0;
function plannedFailure(): string | undefined {
  generateCalls += 1;
  try {
    const plan = JSON.parse(localStorage.getItem('arbiter.test.failAt') ?? '{}') as Record<
      string,
      string
    >;
    return plan[String(generateCalls)];
  } catch {
    return undefined;
  }
}

/**
 * A real Worker running the deterministic engine, wrapped only to count what crosses it. The
 * name is also the bundle check's guard: it is a string, so it survives minification.
 */
function createTestWorker(): WorkerLike {
  const worker = new Worker(new URL('./test-engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'arbiter-test-engine',
  });
  const config: TestEngineConfig = {
    kind: 'test-config',
    tokensPerSecond: setting('arbiter.test.tps', 60),
    outputTokens: setting('arbiter.test.tokens', 0),
    loadMs: setting('arbiter.test.loadMs', 300),
  };
  worker.postMessage(config);
  let loading = '';
  let onmessage: WorkerLike['onmessage'] = null;
  worker.onmessage = (ev: MessageEvent) => {
    if ((ev.data as { kind?: unknown } | null)?.kind === 'token')
      stats.lastTokenAt = performance.now();
    return onmessage?.(ev);
  };
  return {
    postMessage(message: WorkerRequest) {
      if (message.kind === 'load') loading = message.spec.modelId;
      if (message.kind === 'generate') {
        const failure = plannedFailure();
        if (failure === 'device-lost') {
          const reply = {
            kind: 'error',
            id: message.id,
            error: serializeError(new DeviceLostError()),
          };
          setTimeout(() => onmessage?.(new MessageEvent('message', { data: reply })), 20);
          return;
        }
        if (failure === 'crash') {
          setTimeout(
            () => worker.onerror?.call(worker, new ErrorEvent('error', { message: 'test crash' })),
            20,
          );
          return;
        }
        stats.requests[loading] = (stats.requests[loading] ?? 0) + 1;
        stats.lastGenerateAt = performance.now();
        stats.lastRequest[loading] = message.req;
      }
      worker.postMessage(message);
    },
    terminate: () => worker.terminate(),
    get onmessage() {
      return onmessage;
    },
    set onmessage(f) {
      onmessage = f;
    },
    get onerror() {
      return worker.onerror;
    },
    set onerror(f) {
      worker.onerror = f;
    },
    get onmessageerror() {
      return worker.onmessageerror;
    },
    set onmessageerror(f) {
      worker.onmessageerror = f;
    },
  };
}

/**
 * GGUF catalog entries a test serves itself (a local HTTP server): localStorage
 * 'arbiter.test.ggufCatalog' = JSON array of entries, read when the page loads. They run on the
 * real llama.cpp engine, not the test engine.
 */
function testGgufCatalog(): GgufCatalogEntry[] {
  try {
    const list = JSON.parse(localStorage.getItem('arbiter.test.ggufCatalog') ?? '[]') as unknown;
    return Array.isArray(list) ? (list as GgufCatalogEntry[]) : [];
  } catch {
    return [];
  }
}

// One client for both test models, as one web-llm worker serves every real model.
let engine: WebLLMEngine | null = null;

export const testHooks: TestHooks = {
  testModels,
  ggufCatalog: testGgufCatalog(),
  createTestEngine() {
    return (engine ??= new WebLLMEngine(createTestWorker, 'test'));
  },
};
