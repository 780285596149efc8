// A bounded pool that keeps N tasks in flight over a lazy source; pure, for the CLI and the app's batch runner.

export interface PoolOptions<T, R> {
  /** Tasks in flight at most; at least 1. */
  concurrency: number;
  signal?: AbortSignal;
  /** Each result the moment it settles (completion order, not input order). */
  onResult?: (result: R, input: T, index: number) => void;
  /** A task failed; the pool goes on with the others (the failure is counted, not thrown). */
  onError?: (error: unknown, input: T, index: number) => void;
}

export interface PoolSummary {
  started: number;
  succeeded: number;
  failed: number;
  /** The signal fired before the source was exhausted. */
  aborted: boolean;
}

/**
 * Run `task` over `source` with at most `concurrency` tasks at once. The source is pulled only
 * when a slot frees up, so a 100,000-row input never becomes 100,000 pending promises. One
 * task's failure never stops the rest. Resolves when every started task has settled.
 */
export async function runPool<T, R>(
  source: Iterable<T> | AsyncIterable<T>,
  task: (input: T, index: number) => Promise<R>,
  opts: PoolOptions<T, R>,
): Promise<PoolSummary> {
  const limit = Math.max(1, Math.floor(opts.concurrency));
  const it: AsyncIterator<T> | Iterator<T> =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (source as Iterable<T>)[Symbol.iterator]();
  const summary: PoolSummary = { started: 0, succeeded: 0, failed: 0, aborted: false };
  let exhausted = false;
  // Pulls are serialised: two workers must not call next() on an async iterator at once.
  let pulling: Promise<unknown> = Promise.resolve();
  const pull = (): Promise<IteratorResult<T>> => {
    const p = pulling.then(() =>
      exhausted ? { done: true as const, value: undefined } : it.next(),
    );
    pulling = p.catch(() => undefined);
    return p;
  };

  const worker = async () => {
    for (;;) {
      if (opts.signal?.aborted) {
        summary.aborted = true;
        return;
      }
      const next = await pull();
      if (next.done) {
        exhausted = true;
        return;
      }
      const index = summary.started++;
      try {
        const r = await task(next.value, index);
        summary.succeeded++;
        opts.onResult?.(r, next.value, index);
      } catch (e) {
        summary.failed++;
        opts.onError?.(e, next.value, index);
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return summary;
}

export interface ProbeLevel {
  concurrency: number;
  requestsPerS: number;
}

export interface ProbeResult {
  levels: ProbeLevel[];
  /** The smallest level within 10% of the best throughput seen. */
  recommended: number;
}

/**
 * Send bursts of `level` tiny requests at once and measure requests/s at each level; stop when a
 * level gains less than 15% over the previous one (the server's batch is full) or a request
 * fails. Servers that batch (vLLM) scale far; single-slot ones (Ollama's default) stay at 1.
 */
export async function probeConcurrency(
  send: () => Promise<unknown>,
  levels: readonly number[] = [1, 4, 16, 64],
  now: () => number = () => performance.now(),
): Promise<ProbeResult> {
  const out: ProbeLevel[] = [];
  for (const level of levels) {
    const t0 = now();
    try {
      await Promise.all(Array.from({ length: level }, () => send()));
    } catch {
      break;
    }
    const dt = Math.max(now() - t0, 0.001);
    out.push({ concurrency: level, requestsPerS: (level * 1000) / dt });
    const prev = out.at(-2);
    const cur = out.at(-1);
    if (prev && cur && cur.requestsPerS < prev.requestsPerS * 1.15) break;
  }
  const best = Math.max(0, ...out.map((l) => l.requestsPerS));
  const recommended = out.find((l) => l.requestsPerS >= best * 0.9)?.concurrency ?? 1;
  return { levels: out, recommended };
}
