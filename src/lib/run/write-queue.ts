// Write-behind queue for a run's judgments: batches records into one transaction per N records or M ms.

/** Writes one batch (all or nothing). */
export type BatchWriter<T> = (batch: readonly T[]) => Promise<void>;

export interface WriteQueueOptions {
  /** Flush when this many records wait (default 64). */
  maxRecords?: number;
  /** Flush at most this long after the first waiting record (default 250 ms). */
  maxDelayMs?: number;
  /** Called once a write failed `maxFailures` times in a row (default 3); the records stay queued. */
  onFailure?: (error: unknown) => void;
  maxFailures?: number;
}

/**
 * Records are added the moment they complete and written in batches, one transaction each, so
 * 10,000 judgments cost a few hundred transactions instead of 10,000. What a hard kill (crash,
 * killed tab) can lose is what waits here: at most `maxRecords` records or `maxDelayMs` of work;
 * the runner judges those again on resume, and nothing is ever written twice (a batch is atomic).
 * Batches are written one after another, in order; a failed batch goes back to the front.
 */
export class WriteQueue<T> {
  private pending: T[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failures = 0;
  private dirty = false;
  /** Records written so far. */
  written = 0;
  /** Transactions committed so far. */
  batches = 0;
  lastError: unknown = null;
  private readonly maxRecords: number;
  private readonly maxDelayMs: number;
  private readonly maxFailures: number;

  constructor(
    private readonly write: BatchWriter<T>,
    private readonly opts: WriteQueueOptions = {},
  ) {
    this.maxRecords = Math.max(1, opts.maxRecords ?? 64);
    this.maxDelayMs = Math.max(0, opts.maxDelayMs ?? 250);
    this.maxFailures = Math.max(1, opts.maxFailures ?? 3);
  }

  /** How many records wait to be written. */
  get size(): number {
    return this.pending.length;
  }

  add(record: T): void {
    this.pending.push(record);
    this.schedule();
  }

  /** Something besides records changed (e.g. a failure list): write it with the next batch. */
  touch(): void {
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.pending.length >= this.maxRecords) {
      void this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.maxDelayMs);
  }

  /** Writes everything waiting now; resolves when it (and any earlier batch) has landed or failed. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.chain = this.chain.then(() => this.writeNow());
    return this.chain;
  }

  private async writeNow(): Promise<void> {
    if (this.pending.length === 0 && !this.dirty) return;
    const batch = this.pending;
    this.pending = [];
    this.dirty = false;
    try {
      await this.write(batch);
      this.written += batch.length;
      this.batches += 1;
      this.failures = 0;
      this.lastError = null;
    } catch (e) {
      this.pending = batch.concat(this.pending);
      this.dirty = true;
      this.failures += 1;
      this.lastError = e;
      if (this.failures >= this.maxFailures) this.opts.onFailure?.(e);
      else this.schedule();
    }
  }

  /** Stops the timer without writing (the owner flushes first when it wants the data kept). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
