// Worker side: joins token deltas into at most one message per interval, so a fast engine does not flood the page.

/**
 * A postMessage costs the page about 0.1–0.3 ms of main-thread time however small it is; at
 * 300–1,000 tok/s one message per token would cost more than rendering. The first delta goes at
 * once (time to first token), later ones at most every `intervalMs` (250 ms: the page's render
 * budget lets it show streamed text only about 1–4 times a second anyway, see ui/stream-render.ts
 * FrameBatcher, so messages in between would be paid for and not shown), and `flush()` sends the
 * rest before the result. A slow model (> 1 interval per token) still sends every token as it comes.
 */
export class DeltaCoalescer {
  private pending = '';
  private tokens = 0;
  private lastPost = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly post: (delta: string, tokens: number) => void,
    private readonly intervalMs = 250,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(delta: string): void {
    this.pending += delta;
    this.tokens += 1;
    const wait = this.lastPost + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Send what is held now. Call before posting the result, so every token precedes it. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.tokens === 0) return;
    const delta = this.pending;
    const tokens = this.tokens;
    this.pending = '';
    this.tokens = 0;
    this.lastPost = this.now();
    this.post(delta, tokens);
  }

  /** Drop what is held (the generation was aborted). */
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = '';
    this.tokens = 0;
  }
}
