// Lets a run's progress reach the view at most once per interval, so a fast run does not re-render per judgment.

/**
 * A run at thousands of judgments a minute reports progress after every one; rendering each
 * report (and the Svelte flush it starts) costs the main thread more than the run itself. The gate
 * keeps only the latest report and delivers it at most every `intervalMs` (the view cannot show
 * more than a few a second anyway). A report whose `status` differs from the last delivered one
 * (paused, done, failed) goes at once, and so does `flush()`, so an ending is never late.
 */
export class ProgressGate<T extends { status: string }> {
  private latest: T | null = null;
  private lastStatus: string | null = null;
  private lastAt = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly deliver: (value: T) => void,
    private readonly intervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(value: T): void {
    this.latest = value;
    const at = this.lastAt + this.intervalMs;
    if (value.status !== this.lastStatus || at <= this.now()) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, at - this.now());
  }

  /**
   * Drops the held report and its timer: its owner is going away, and a delivery after that
   * (a BroadcastChannel post on a closed channel) would throw from a timer nobody catches.
   */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.latest = null;
  }

  /** Delivers the held report now, if any. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const value = this.latest;
    if (value === null) return;
    this.latest = null;
    this.lastStatus = value.status;
    this.lastAt = this.now();
    this.deliver(value);
  }
}
