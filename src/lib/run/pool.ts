// A bounded pool that keeps N tasks in flight over a lazy source; pure, for the CLI and the app's batch runner.

export interface PoolOptions<T, R> {
  /** Tasks in flight at most; at least 1. With `limit`, its `max` is used instead. */
  concurrency: number;
  /**
   * An adaptive limit the pool obeys: fewer in flight after the server says it is busy. The
   * caller reports its outcomes (`success` per answered request, `overload` per refusal), since
   * only it sees the requests inside a task.
   */
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

/**
 * More than this share of one round trip's outcomes refused means the server is full. Fewer are
 * noise (a flaky proxy, one busy replica), which the engine's retries absorb: cutting on every
 * refusal pinned concurrency at 1–2 when 10% of requests drew a random 503.
 */
const CUT_SHARE = 0.25;
/** Round trips without a cut before the limit grows back by half. */
const GROW_AFTER = 2;

/**
 * Concurrency that backs off when the server is full and is not thrown by noise. Outcomes
 * (successes, and 429/503 refusals) are judged per round trip: a window of as many outcomes as
 * tasks allowed in flight. A window with more than a quarter refused halves the limit (so at
 * most one cut per round trip), and the outcomes of requests sent before that cut are not
 * counted against the new limit; after two windows without a cut the limit grows by half, up to
 * `max`. The decisions depend only on the order of outcomes, never on timing. A refusal's
 * Retry-After pauses new starts at once. Tasks already running are never interrupted.
 */
export class AdaptiveLimit {
  readonly max: number;
  readonly min: number;
  /** Tasks allowed in flight now. */
  limit: number;
  /** No new task starts before this time (the server's Retry-After). */
  pausedUntil = 0;
  /** Times the limit was cut, and the refusals that were reported. */
  cuts = 0;
  overloads = 0;
  /** The pool listens here to start waiting tasks when the limit grows or a pause ends. */
  onChange: (() => void) | null = null;
  private outcomes = 0;
  private refusals = 0;
  /** Outcomes still to come from requests sent before the last cut. */
  private stale = 0;
  private calmWindows = 0;
  private readonly now: () => number;

  constructor(max: number, opts: { min?: number; now?: () => number } = {}) {
    this.max = Math.max(1, Math.floor(max));
    this.min = Math.min(this.max, Math.max(1, Math.floor(opts.min ?? 1)));
    this.limit = this.max;
    this.now = opts.now ?? (() => performance.now());
  }

  /** The server refused a request for load (429/503); wait out its Retry-After if it gave one. */
  overload(retryAfterMs: number | null = null): void {
    this.overloads++;
    if (retryAfterMs !== null && retryAfterMs > 0)
      this.pausedUntil = Math.max(this.pausedUntil, this.now() + retryAfterMs);
    this.count(true);
    this.onChange?.();
  }

  /** A request was answered. */
  success(): void {
    this.count(false);
  }

  private count(refused: boolean): void {
    if (this.stale > 0) {
      this.stale--;
      return;
    }
    this.outcomes++;
    if (refused) this.refusals++;
    if (this.outcomes < this.limit) return;
    const full = this.refusals / this.outcomes > CUT_SHARE;
    this.outcomes = 0;
    this.refusals = 0;
    if (full) {
      this.calmWindows = 0;
      const before = this.limit;
      this.limit = Math.max(this.min, Math.floor(this.limit / 2));
      if (this.limit < before) this.cuts++;
      // Up to `before` requests were in flight when the window closed: their answers say
      // nothing yet about the new limit.
      this.stale = before;
    } else if (++this.calmWindows >= GROW_AFTER && this.limit < this.max) {
      this.calmWindows = 0;
      this.limit = Math.min(this.max, this.limit + Math.max(1, Math.floor(this.limit / 2)));
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
      try {
        const r = await task(next.value, index);
        summary.succeeded++;
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
  /** The highest level that still gained clearly over the one before. */
  recommended: number;
}

/** A level must beat the one before by this much to count: the levels are 4× apart, so a
 * server with room scales well past it, and timing noise on a busy machine stays below it. */
const CLEAR_GAIN = 1.5;

/**
 * Send bursts of `level` tiny requests at once and measure requests/s at each level (the fastest
 * of `repeats` bursts: noise only ever slows a burst down); stop when a level fails to gain
 * clearly over the previous one (the server's batch is full) or a request fails. Servers that
 * batch (vLLM) scale far; single-slot ones (Ollama's default) stay at 1. Picking "the smallest
 * level within 10% of the best" from single bursts chose 4, 16 or 64 for the same server.
 */
export async function probeConcurrency(
  send: () => Promise<unknown>,
  levels: readonly number[] = [1, 4, 16, 64],
  now: () => number = () => performance.now(),
  repeats = 3,
): Promise<ProbeResult> {
  const out: ProbeLevel[] = [];
  let recommended = 1;
  for (const level of levels) {
    let fastest = Infinity;
    try {
      for (let r = 0; r < repeats; r++) {
        const t0 = now();
        await Promise.all(Array.from({ length: level }, () => send()));
        fastest = Math.min(fastest, now() - t0);
      }
    } catch {
      break;
    }
    const cur = { concurrency: level, requestsPerS: (level * 1000) / Math.max(fastest, 0.001) };
    const prev = out.at(-1);
    out.push(cur);
    if (prev && cur.requestsPerS < prev.requestsPerS * CLEAR_GAIN) break;
    recommended = level;
  }
  return { levels: out, recommended };
}
