// Incremental Server-Sent Events parser (WHATWG rules) for streamed chat completions; DOM-free.

/** One dispatched event: its `event` name (default "message") and its data lines joined by "\n". */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Feeds text chunks as they arrive and returns the events they complete. Lines end in CRLF, LF
 * or CR, and a CRLF split across two chunks is still one line break. Comment lines (":") are
 * skipped; lines with an unknown field name are ignored as the standard says, and counted in
 * `malformedLines` so a caller can tell a healthy stream from a mangled one.
 */
export class SseParser {
  /** The unfinished line, kept as its pieces: joining them once when the line ends keeps a
   * 10 MB event split over thousands of chunks linear (re-scanning a growing string was not). */
  private partial: string[] = [];
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  /** A CR ended the previous chunk: an LF starting the next one belongs to it. */
  private pendingCR = false;
  malformedLines = 0;
  comments = 0;
  /** Characters examined so far; each is examined once, whatever the chunking (tests hold us to it). */
  scanned = 0;

  push(chunk: string): SseEvent[] {
    let from = 0;
    if (this.pendingCR && chunk.startsWith('\n')) from = 1;
    this.pendingCR = false;
    const out: SseEvent[] = [];
    let start = from;
    for (let i = from; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      this.scanned++;
      if (c !== 10 && c !== 13) continue;
      let line = chunk.slice(start, i);
      if (this.partial.length > 0) {
        this.partial.push(line);
        line = this.partial.join('');
        this.partial = [];
      }
      if (c === 13) {
        if (i + 1 < chunk.length) {
          if (chunk.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCR = true;
        }
      }
      start = i + 1;
      const ev = this.line(line);
      if (ev) out.push(ev);
    }
    if (start < chunk.length) this.partial.push(chunk.slice(start));
    return out;
  }

  /** The stream ended: a last line without its break still counts, an unterminated event does too. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.partial.length > 0) {
      const ev = this.line(this.partial.join(''));
      if (ev) out.push(ev);
      this.partial = [];
    }
    const last = this.dispatch();
    if (last) out.push(last);
    return out;
  }

  private line(line: string): SseEvent | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.comments++;
      return null;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      case 'retry':
        break;
      default:
        this.malformedLines++;
    }
    return null;
  }

  private dispatch(): SseEvent | null {
    if (this.data.length === 0) {
      this.event = '';
      return null;
    }
    const ev: SseEvent = { event: this.event || 'message', data: this.data.join('\n') };
    if (this.id !== undefined) ev.id = this.id;
    this.data = [];
    this.event = '';
    return ev;
  }
}
