// The live text of a judging, one stream per order and sample, shown no more often than a render pays for.
import type { Order } from '../judge';
import type { JudgmentRecord } from '../store';
import { FrameBatcher } from '../ui/stream-render';

/** One order-and-sample's text as it streams. */
export interface Stream {
  order: Order;
  sample: number;
  text: string;
  done: boolean;
}

/** Finished judgments as streams, for showing stored results with the same panels. */
export function streamsFromRecords(records: JudgmentRecord[]): Stream[] {
  return records.map((r) => ({ order: r.order, sample: r.sample, text: r.text, done: true }));
}

/**
 * What rendering streamed text may cost the main thread per character shown: 0.05 ms per token
 * of about 4 characters, half the goal of 0.1 ms per token (the rest is message handling).
 */
export const RENDER_MS_PER_CHAR = 0.05 / 4;

export class LiveStreams {
  streams = $state<Stream[]>([]);

  /**
   * Streamed text reaches the state at most once per frame and ten times a second, and only as
   * often as the new text pays for a render at RENDER_MS_PER_CHAR (see RenderBudget).
   */
  private readonly tokens = new FrameBatcher<
    string,
    { order: Order; sample: number; text: string }
  >((_key, t) => this.show(t.order, t.sample, t.text), undefined, 100, undefined, {
    msPerUnit: RENDER_MS_PER_CHAR,
    // At least every 2 s: at 50 tok/s a render (~5 ms here) is paid for by ~2 s of text, which a
    // 1 s floor made twice as often (0.12 ms per token in renders alone). 2 s of text at 50 tok/s
    // is a paragraph, faster than anyone reads; the first text and the end still show at once.
    maxIntervalMs: 2000,
  });

  /** New text of one stream (`text` is all of it so far, `delta` what is new). */
  token(order: Order, sample: number, delta: string, text: string): void {
    this.tokens.set(`${order}:${sample}`, { order, sample, text }, delta.length);
  }

  /** Keep what has come from the screen until `flush` (the last text shows with the verdict). */
  hold(): void {
    this.tokens.hold();
  }

  /** Show everything that has come now. */
  flush(): void {
    this.tokens.flush();
  }

  /** A judgment is complete: its whole text on screen, marked done. */
  finish(record: JudgmentRecord): void {
    this.tokens.flush();
    const s = this.streams.find((x) => x.order === record.order && x.sample === record.sample);
    if (s) s.done = true;
  }

  clear(): void {
    this.tokens.clear();
    this.streams = [];
  }

  private show(order: Order, sample: number, text: string): void {
    const s = this.streams.find((x) => x.order === order && x.sample === sample);
    if (s) s.text = text;
    else this.streams.push({ order, sample, text, done: false });
  }
}
