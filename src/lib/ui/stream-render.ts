// Streaming text at O(new text) per update: token batching per frame, thinking split and block-wise Markdown.
// DOM-free except BlockView; the Markdown renderer (ui/markdown.ts, which needs a DOM) is passed in.

/**
 * What a render may cost: a render (style, layout and paint of the growing text, about 1–5 ms on
 * a software-rendered page) is paid for by the new text it shows. A slow stream waits until
 * enough text has arrived to pay for the last render's cost, up to `maxIntervalMs`; a fast one
 * renders every `minIntervalMs`. So the page's cost per streamed token stays near `msPerUnit`
 * times the characters of a token, at any token rate and however costly a render turns out.
 */
export interface RenderBudget {
  /** Main-thread ms a render may cost per unit (character) of new text it shows. */
  msPerUnit: number;
  /** While text arrives, it reaches the screen at least this often, whatever a render costs. */
  maxIntervalMs: number;
  /**
   * Calls `done` with the ms from `start` (a flush inside a frame) until that frame is rendered.
   * Default: a message posted from the frame, which runs after the frame's style, layout and paint.
   */
  measure?: (start: number, done: (ms: number) => void) => void;
}

/**
 * Coalesces many updates into at most one flush per animation frame, at most one per
 * `minIntervalMs`, and, with a `budget`, only as often as the new text pays for a render. A fast
 * engine sends a token every millisecond; every render costs layout and paint of the growing
 * text, so the screen gets the latest value per key, aligned to a frame. Reading keeps up; the
 * main thread stays free.
 */
export class FrameBatcher<K, V> {
  private readonly pending = new Map<K, V>();
  private scheduled = false;
  private last = -Infinity;
  /** Units (characters) set since the last flush. */
  private units = 0;
  /** What the last measured render cost, in ms (0 until one is measured). */
  private cost = 0;
  /** Keys shown since the last `clear`: a new key's first text (a stream starting) never waits. */
  private readonly seen = new Set<K>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Frames apply nothing until the next `flush` (see `hold`). */
  private held = false;

  constructor(
    private readonly apply: (key: K, value: V) => void,
    private readonly schedule: (run: () => void) => void = nextFrame,
    private readonly minIntervalMs = 50,
    private readonly now: () => number = () => performance.now(),
    private readonly budget: RenderBudget | null = null,
  ) {}

  /**
   * Keep `value` as the latest for `key`; it reaches `apply` on a coming frame (or `flush`).
   * `units`: how much new text it brings (for the budget).
   */
  set(key: K, value: V, units = 0): void {
    this.pending.set(key, value);
    this.units += units;
    const fresh = !this.seen.has(key);
    this.seen.add(key);
    if (this.scheduled) {
      // A stream's first text goes on the next frame, not when the interval or budget allows.
      if (fresh && this.timer !== null) {
        clearTimeout(this.timer);
        this.timer = null;
        this.schedule(this.run);
      }
      return;
    }
    this.scheduled = true;
    const wait = fresh
      ? 0
      : Math.max(this.last + this.minIntervalMs - this.now(), this.budgetWait());
    // A wait shorter than a frame is waited out by the frame itself: a timer would be a task
    // of its own (the worker's messages come about when a render is due, so this is common).
    if (wait > FRAME_MS)
      this.timer = setTimeout(() => {
        this.timer = null;
        this.schedule(this.run);
      }, wait);
    else this.schedule(this.run);
  }

  private readonly run = () => {
    this.scheduled = false;
    if (!this.held) this.flush(true);
  };

  /**
   * Keep what arrives off the screen until the next `flush`: the caller shows it together with
   * other work (a judgment's last text with its verdict), in one render.
   */
  hold(): void {
    this.held = true;
  }

  /** Until the text arriving at its present rate pays for a render like the last one. */
  private budgetWait(): number {
    const b = this.budget;
    if (!b || this.cost === 0) return 0;
    const need = this.cost / b.msPerUnit;
    if (this.units >= need) return 0;
    const now = this.now();
    const rate = this.units / Math.max(1, now - this.last);
    const paid = rate > 0 ? (need - this.units) / rate : Infinity;
    return Math.min(paid, this.last + b.maxIntervalMs - now);
  }

  /**
   * Apply everything pending now (a judgment finished, or the run stopped). `inFrame`: called
   * from the scheduled frame, so the frame's rendering cost can be measured.
   */
  flush(inFrame = false): void {
    this.held = false;
    if (this.pending.size === 0) return;
    const start = this.now();
    this.last = start;
    this.units = 0;
    const all = [...this.pending];
    this.pending.clear();
    for (const [k, v] of all) this.apply(k, v);
    if (inFrame && this.budget)
      (this.budget.measure ?? afterFrame)(start, (ms) => {
        this.cost = ms;
      });
  }

  /** Forget what is pending and shown (a new run replaced the streams); its first text goes at once. */
  clear(): void {
    this.held = false;
    this.pending.clear();
    this.seen.clear();
    this.units = 0;
    this.last = -Infinity;
  }
}

/** About one frame at 60 Hz, in ms. */
const FRAME_MS = 16;

/** Posted from inside a frame, a message runs once the frame's rendering work is done. */
function afterFrame(start: number, done: (ms: number) => void): void {
  if (typeof MessageChannel !== 'function') return;
  // One channel for the page: a new one per render cost more than the message itself.
  if (!frameChannel) {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      for (const f of afterFrameWaiting.splice(0)) f();
    };
    // Node's ports would keep a test process alive; browsers have no unref.
    (ch.port1 as { unref?: () => void }).unref?.();
    frameChannel = ch;
  }
  afterFrameWaiting.push(() => done(performance.now() - start));
  frameChannel.port2.postMessage(null);
}
let frameChannel: MessageChannel | null = null;
const afterFrameWaiting: (() => void)[] = [];

function nextFrame(run: () => void): void {
  // A hidden tab gets no frames; a timer still lands the text, at the browser's throttled pace.
  if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined') {
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      run();
    };
    requestAnimationFrame(once);
    if (document.hidden) setTimeout(once, 100);
  } else setTimeout(run, 16);
}

export interface StreamSplit {
  /** The thinking so far, or null when the text has no think tags (yet). */
  thinking: string | null;
  answer: string;
  /** The <think> block is still open. */
  thinkingOpen: boolean;
}

const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * Splits growing text into thinking and answer like splitThinking (ui/thinking.ts), but scans only
 * the new characters: the tag positions are remembered. Text before an unmatched `</think>` is
 * thinking (templates that put `<think>` in the prompt).
 */
export class StreamSplitter {
  private scanned = 0;
  private open = -1;
  private close = -1;
  private last = '';

  update(text: string): StreamSplit {
    if (!text.startsWith(this.last.slice(-64), Math.max(0, this.last.length - 64))) this.reset();
    if (text.length < this.last.length) this.reset();
    // Start a tag's length back: a tag may have arrived split over two updates.
    const from = Math.max(0, this.scanned - CLOSE.length);
    if (this.open < 0) {
      const i = text.indexOf(OPEN, from);
      if (i >= 0 && (this.close < 0 || i < this.close)) this.open = i;
    }
    if (this.close < 0) this.close = text.indexOf(CLOSE, Math.max(from, this.open + 1));
    this.scanned = text.length;
    this.last = text;
    const { open, close } = this;
    if (open < 0 && close < 0) return { thinking: null, answer: text, thinkingOpen: false };
    if (close < 0) {
      return {
        thinking: text.slice(open + OPEN.length),
        answer: text.slice(0, open),
        thinkingOpen: true,
      };
    }
    const start = open >= 0 && open < close ? open + OPEN.length : 0;
    const before = open >= 0 && open < close ? text.slice(0, open) : '';
    const after = text.slice(close + CLOSE.length);
    return {
      thinking: text.slice(start, close),
      answer: before.trim() ? before + after : after,
      thinkingOpen: false,
    };
  }

  private reset(): void {
    this.scanned = 0;
    this.open = -1;
    this.close = -1;
    this.last = '';
  }
}

/** One finished block (or several): sanitized Markdown as HTML or as nodes, or text shown as it is. */
export type Block = { html: string } | { nodes: DocumentFragment } | { raw: string };

export interface BlockUpdate {
  /** Everything shown before must go (the text was replaced, not extended). */
  reset: boolean;
  /** Blocks finished since the last update, to append. */
  append: Block[];
  /** The open last block, shown as plain text until it is finished. */
  tail: string;
}

// Markup in a block is shown as text, as the History rule does for answers with HTML tags:
// the sanitizer would otherwise drop unknown tags, and with them the judge's verdict format.
const HTML_TAG = /<\/?[a-zA-Z][^>]*>|<!--/;
const FENCE = /^ {0,3}(```|~~~)/gm;

/**
 * Cuts growing Markdown into finished blocks (ended by a blank line outside a code fence), each
 * rendered once; only the open tail changes per update. The final text is rendered whole anyway,
 * so blocks that would merge in full Markdown (a loose list) only look different while streaming.
 */
export class BlockRenderer {
  /** Where the open tail starts in the source. */
  private done = 0;
  private scanned = 0;
  private fences = 0;
  private last = '';

  /**
   * `render` must return sanitized HTML: the app passes renderMarkdown. `renderMany`, if given,
   * renders the blocks finished in one update at once, as sanitized HTML or nodes (the app passes
   * renderMarkdownBlocksNodes: one sanitizer pass, the same HTML as rendering each alone, its
   * nodes appended as they are).
   */
  constructor(
    private readonly render: (markdown: string) => string,
    private readonly renderMany?: (markdowns: string[]) => string | DocumentFragment,
  ) {}

  /** `final`: the text is complete, so its last block is finished too. */
  update(source: string, final = false): BlockUpdate {
    let reset = false;
    if (
      source.length < this.done ||
      !source.startsWith(
        this.last.slice(Math.max(0, this.done - 64), this.done),
        Math.max(0, this.done - 64),
      )
    ) {
      reset = this.done > 0;
      this.done = 0;
      this.scanned = 0;
      this.fences = 0;
    }
    this.last = source;
    const finished: string[] = [];
    let from = Math.max(this.done, this.scanned - 2);
    for (;;) {
      const gap = source.indexOf('\n\n', from);
      if (gap < 0) break;
      const end = gap + 2;
      const block = source.slice(this.done, end);
      if (countFences(block, this.fences) % 2 === 1) {
        // Inside a code fence: a blank line does not end the block.
        from = end;
        continue;
      }
      this.fences = 0;
      if (block.trim()) finished.push(block);
      this.done = end;
      from = end;
    }
    this.scanned = source.length;
    if (final && this.done < source.length) {
      const rest = source.slice(this.done);
      if (rest.trim()) finished.push(rest);
      this.done = source.length;
    }
    return { reset, append: this.blocks(finished), tail: source.slice(this.done) };
  }

  private blocks(texts: string[]): Block[] {
    const out: Block[] = [];
    let markdown: string[] = [];
    const flush = () => {
      if (markdown.length === 0) return;
      if (this.renderMany) {
        const r = this.renderMany(markdown);
        out.push(typeof r === 'string' ? { html: r } : { nodes: r });
      } else for (const m of markdown) out.push({ html: this.render(m) });
      markdown = [];
    };
    for (const text of texts) {
      if (HTML_TAG.test(text)) {
        flush();
        out.push({ raw: text.trim() });
      } else markdown.push(text);
    }
    flush();
    return out;
  }
}

function countFences(text: string, base: number): number {
  return base + (text.match(FENCE)?.length ?? 0);
}

/** Applies BlockUpdates to a container: finished blocks are appended once, the tail is one text node. */
export class BlockView {
  private readonly blocks: HTMLElement;
  private readonly tail: Text;

  constructor(readonly root: HTMLElement) {
    root.replaceChildren();
    // Set here, once: an attribute in the component's markup would be set again by every update
    // of the component's other attributes (Svelte groups them), re-resolving the direction.
    root.dir = 'auto';
    this.blocks = root.ownerDocument.createElement('div');
    this.blocks.className = 'md';
    const tail = root.ownerDocument.createElement('div');
    tail.className = 'plain';
    this.tail = root.ownerDocument.createTextNode('');
    tail.append(this.tail);
    root.append(this.blocks, tail);
  }

  apply(u: BlockUpdate): void {
    if (u.reset) this.blocks.replaceChildren();
    for (const b of u.append) {
      if ('html' in b) {
        // renderMarkdown's output: sanitized by DOMPurify.
        this.blocks.insertAdjacentHTML('beforeend', b.html);
      } else if ('nodes' in b) {
        // Sanitized nodes (renderMarkdownBlocksNodes), appended as they are.
        this.blocks.append(b.nodes);
      } else {
        const p = this.blocks.ownerDocument.createElement('p');
        p.className = 'plain';
        p.textContent = b.raw;
        this.blocks.append(p);
      }
    }
    const t = u.tail.trimEnd();
    const shown = this.tail.data;
    if (shown === t) return;
    // A growing tail is appended to, so the browser reshapes only the new text, not all of it.
    if (shown && t.startsWith(shown)) this.tail.appendData(t.slice(shown.length));
    else this.tail.data = t;
  }
}
