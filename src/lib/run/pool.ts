// A bounded pool that keeps N tasks in flight over a lazy source; pure, for the CLI and the app's batch runner.

export interface PoolOptions<T, R> {
  /** Tasks in flight at most; at least 1. With `limit`, its `max` is used instead. */
  concurrency: number;
  /** An adaptive limit (AIMD) the pool obeys: fewer in flight after the server says it is busy. */
  limit?: AdaptiveLimit;
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

/** No more than one cut per this many ms, whatever the round trip: a burst of 429s is one signal. */
const MIN_CUT_WINDOW_MS = 100;

/**
 * Additive-increase, multiplicative-decrease concurrency, as TCP does with its window. A 429 or
 * 503 halves the tasks allowed in flight (at most once per round trip, so one burst of refusals
 * counts once) and pauses new starts for the server's Retry-After; then every `limit`
 * successes allow one more, up to `max`. Tasks already running are never interrupted.
 */
export class AdaptiveLimit {
  readonly max: number;
  readonly min: number;
  /** Tasks allowed in flight now. */
  limit: number;
  /** No new task starts before this time (the server's Retry-After). */
  pausedUntil = 0;
  /** Times the limit was halved, and the refusals that were reported. */
  cuts = 0;
  overloads = 0;
  /** The pool listens here to start waiting tasks when the limit grows or a pause ends. */
  onChange: (() => void) | null = null;
  private successes = 0;
  private lastCut = -Infinity;
  /** Smoothed task duration: the round trip within which refusals belong to the same burst. */
  private rttMs = 0;
  private readonly now: () => number;

  constructor(max: number, opts: { min?: number; now?: () => number } = {}) {
    this.max = Math.max(1, Math.floor(max));
    this.min = Math.min(this.max, Math.max(1, Math.floor(opts.min ?? 1)));
    this.limit = this.max;
    this.now = opts.now ?? (() => performance.now());
  }

  /** The server refused a request for load (429/503): halve, and wait out its Retry-After. */
  overload(retryAfterMs: number | null = null): void {
    this.overloads++;
    const now = this.now();
    // Refusals within a round trip of the last cut, or during its pause, answer requests sent
    // before the cut took effect: the same burst.
    if (now - this.lastCut >= Math.max(MIN_CUT_WINDOW_MS, this.rttMs) && now >= this.pausedUntil) {
      this.lastCut = now;
      this.limit = Math.max(this.min, Math.floor(this.limit / 2));
      this.successes = 0;
      this.cuts++;
    }
    if (retryAfterMs !== null && retryAfterMs > 0)
      this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    this.onChange?.();
  }

  /** A task finished well after `durationMs`: after `limit` of them, one more may run. */
  success(durationMs: number): void {
    this.rttMs = this.rttMs === 0 ? durationMs : 0.8 * this.rttMs + 0.2 * durationMs;
    // Tasks started before the last cut say nothing about the new limit.
    if (this.limit >= this.max || this.now() - durationMs < this.lastCut) return;
    if (++this.successes >= this.limit) {
      this.successes = 0;
      this.limit++;
      this.onChange?.();
    }
  }
}

/**
 * Run `task` over `source` with at most `concurrency` tasks at once (or the adaptive `limit`).
 * The source is pulled only when a slot frees up, so a 100,000-row input never becomes 100,000
 * pending promises. One task's failure never stops the rest. Resolves when every started task
 * has settled.
 */
export async function runPool<T, R>(
  source: Iterable<T> | AsyncIterable<T>,
  task: (input: T, index: number) => Promise<R>,
  opts: PoolOptions<T, R>,
): Promise<PoolSummary> {
  const adaptive = opts.limit ?? null;
  const workers = adaptive ? adaptive.max : Math.max(1, Math.floor(opts.concurrency));
  const now = () => performance.now();
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

  // Slots: a worker takes one before pulling and gives it back when its task settles. Waiting
  // workers are let in one per free slot, so a finished task wakes one worker, not all of them.
  let active = 0;
  const waiting: (() => void)[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const admit = () => {
    const aborted = opts.signal?.aborted === true;
    while (waiting.length > 0) {
      if (!aborted && !exhausted && adaptive) {
        if (active >= adaptive.limit) return;
        const wait = adaptive.pausedUntil - now();
        if (wait > 0) {
          timer ??= setTimeout(() => {
            timer = null;
            admit();
          }, wait);
          return;
        }
      }
      active++;
      waiting.shift()?.();
    }
  };
  const acquire = (): Promise<void> | void => {
    const free =
      !adaptive ||
      (active < adaptive.limit && adaptive.pausedUntil <= now() && waiting.length === 0);
    if (free) {
      active++;
      return;
    }
    return new Promise<void>((resolve) => {
      waiting.push(resolve);
      admit();
    });
  };
  const release = () => {
    active--;
    admit();
  };
  if (adaptive) adaptive.onChange = admit;
  const onAbort = () => admit();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const worker = async () => {
    for (;;) {
      if (opts.signal?.aborted) {
        summary.aborted = true;
        return;
      }
      await acquire();
      if (opts.signal?.aborted) {
        summary.aborted = true;
        release();
        return;
      }
      const next = await pull();
      if (next.done) {
        exhausted = true;
        release();
        return;
      }
      const index = summary.started++;
      const t0 = now();
      try {
        const r = await task(next.value, index);
        summary.succeeded++;
        adaptive?.success(now() - t0);
        opts.onResult?.(r, next.value, index);
      } catch (e) {
        summary.failed++;
        opts.onError?.(e, next.value, index);
      } finally {
        release();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    if (timer) clearTimeout(timer);
    if (adaptive) adaptive.onChange = null;
    opts.signal?.removeEventListener('abort', onAbort);
  }
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
