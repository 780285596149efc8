// Worker side: joins token deltas into few messages, so a fast engine does not flood the page.
import type { StreamPace } from './types';

/**
 * A postMessage costs the page about 0.2–0.4 ms of main-thread time however small it is; at
 * 300–1,000 tok/s one message per token would cost more than rendering. The first delta goes at
 * once (time to first token). Later ones go at most every `intervalMs` (250 ms), and only once
 * `minChars` characters are held or `maxIntervalMs` has passed. The defaults (400 characters,
 * 500 ms) suit a page that shows every message (the Models page's test prompt); the Judge page,
 * which renders only as often as new text pays for it and at least every 2 s, asks for its own
 * pace (run/judge-flow's STREAM_PACE), so it is not sent messages it would not render yet.
 * `flush()` sends the rest before the result.
 */
export class DeltaCoalescer {
  private pending = '';
  private tokens = 0;
  private lastPost = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** When the timer is set to fire (page clock). */
  private due = Infinity;

  constructor(
    private readonly post: (delta: string, tokens: number) => void,
    private readonly intervalMs = 250,
    private readonly now: () => number = () => performance.now(),
    private readonly minChars = 400,
    private readonly maxIntervalMs = 500,
  ) {}

  push(delta: string): void {
    this.pending += delta;
    this.tokens += 1;
    const enough = this.pending.length >= this.minChars;
    const at =
      this.lastPost + (enough ? this.intervalMs : Math.max(this.intervalMs, this.maxIntervalMs));
    const now = this.now();
    if (at <= now) {
      this.flush();
      return;
    }
    // Enough text arrived: the earlier deadline (`intervalMs`) replaces the `maxIntervalMs` one.
    if (this.timer !== null && at >= this.due) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.due = at;
    this.timer = setTimeout(() => this.flush(), at - now);
  }

  /** Send what is held now. Call before posting the result, so every token precedes it. */
  flush(): void {
    this.stopTimer();
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
    this.stopTimer();
    this.pending = '';
    this.tokens = 0;
  }

  private stopTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.due = Infinity;
  }
}

/**
 * The coalescer for a generate request's `stream` (protocol.ts): null when the page asked for no
 * streamed text, else one that sends at the asked pace (the defaults without one).
 */
export function coalescerFor(
  stream: StreamPace | false | undefined,
  post: (delta: string, tokens: number) => void,
  now?: () => number,
): DeltaCoalescer | null {
  if (stream === false) return null;
  return new DeltaCoalescer(post, undefined, now, stream?.minChars, stream?.maxWaitMs);
}
