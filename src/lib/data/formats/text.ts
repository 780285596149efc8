// Parsing of JSONL and JSON text (bytes or strings) into rows with line numbers; pure, shared by the worker and the CLI.
import { rawOf } from './adapt';
import { clip } from './labels';
import type { RowError, SourceRow } from './types';

/** What the first bytes of a file say about it. */
export type Sniff =
  | { kind: 'gzip' }
  | { kind: 'binary'; reason: string }
  | { kind: 'text'; encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; bom: number };

/** Looks at the first few KB: gzip magic, zip/PDF/other binaries, BOMs, UTF-16 without a BOM. */
export function sniffBytes(head: Uint8Array): Sniff {
  const b = head;
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return { kind: 'gzip' };
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
    return { kind: 'text', encoding: 'utf-8', bom: 3 };
  }
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe)
    return { kind: 'text', encoding: 'utf-16le', bom: 2 };
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff)
    return { kind: 'text', encoding: 'utf-16be', bom: 2 };
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) {
    return {
      kind: 'binary',
      reason: 'This is a ZIP archive (or an .xlsx/.docx file). Unzip it, or save the sheet as CSV.',
    };
  }
  if (b.length >= 4 && b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46) {
    return { kind: 'binary', reason: 'This is a PDF, not a data file.' };
  }
  const n = Math.min(b.length, 4096);
  let zerosEven = 0;
  let zerosOdd = 0;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0) {
      if (i % 2 === 0) zerosEven++;
      else zerosOdd++;
    } else if (c < 0x09 || (c > 0x0d && c < 0x20 && c !== 0x1b)) control++;
  }
  // ASCII text in UTF-16 without a BOM: every other byte is zero.
  if (n >= 8 && zerosOdd > n * 0.4 && zerosEven < n * 0.05)
    return { kind: 'text', encoding: 'utf-16le', bom: 0 };
  if (n >= 8 && zerosEven > n * 0.4 && zerosOdd < n * 0.05)
    return { kind: 'text', encoding: 'utf-16be', bom: 0 };
  if (zerosEven + zerosOdd + control > Math.max(8, n * 0.1)) {
    return { kind: 'binary', reason: 'This file is binary, not text (JSONL, JSON or CSV).' };
  }
  return { kind: 'text', encoding: 'utf-8', bom: 0 };
}

/** A parsed line, or why it is not a row. */
export type LineResult = SourceRow | RowError;

function parseLine(text: string, line: number, last: boolean): LineResult | null {
  const t = text.endsWith('\r') ? text.slice(0, -1) : text;
  if (t.trim() === '') return null;
  try {
    return { line, value: JSON.parse(t) as unknown };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    const reason = last
      ? `line ${line} is incomplete or not JSON (the file may have been cut off): ${why}`
      : `not valid JSON: ${why}`;
    return { line, reason, raw: clip(t, 300) };
  }
}

/**
 * Streaming JSONL over bytes: splits on LF at the byte level (a UTF-8 multi-byte sequence never
 * contains 0x0A), so one line of invalid UTF-8 is reported alone instead of spoiling the file.
 */
export class JsonlByteParser {
  private parts: Uint8Array[] = [];
  private line = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

  /** Feeds the next chunk; returns the complete lines in it. */
  push(chunk: Uint8Array): LineResult[] {
    const out: LineResult[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      const bytes = this.parts.length ? concat([...this.parts, piece]) : piece;
      this.parts = [];
      this.emit(bytes, false, out);
      start = nl + 1;
    }
    if (start < chunk.length) this.parts.push(chunk.slice(start));
    return out;
  }

  /** The file ended: the last line, if it had no newline. */
  end(): LineResult[] {
    const out: LineResult[] = [];
    if (this.parts.length) this.emit(concat(this.parts), true, out);
    this.parts = [];
    return out;
  }

  private emit(bytes: Uint8Array, last: boolean, out: LineResult[]): void {
    this.line++;
    let text: string;
    try {
      // Each decode strips a leading UTF-8 BOM, which is what the first line needs.
      text = this.decoder.decode(bytes);
    } catch {
      out.push({
        line: this.line,
        reason: 'not valid UTF-8 text (save the file as UTF-8)',
        raw: clip(new TextDecoder().decode(bytes), 300),
      });
      return;
    }
    const r = parseLine(text, this.line, last);
    if (r) out.push(r);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** JSONL text (Node/CLI path; the app parses bytes in its worker). Blank lines are skipped. */
export function parseJsonlText(text: string): { rows: SourceRow[]; errors: RowError[] } {
  const rows: SourceRow[] = [];
  const errors: RowError[] = [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n');
  // A trailing newline leaves one empty last element, which is not a line of the file.
  const n = lines.length;
  for (let i = 0; i < n; i++) {
    const r = parseLine(lines[i]!, i + 1, i === n - 1);
    if (!r) continue;
    if ('reason' in r) errors.push(r);
    else rows.push(r);
  }
  return { rows, errors };
}

/**
 * A top-level JSON array read element by element as its text arrives. Each element is parsed on
 * its own with JSON.parse, so one bad element is reported (with the line it starts on) and the
 * others are kept, progress can be shown while reading, and the file never has to be one string
 * or one object tree. The splitter only follows strings and nesting; parsing proper is JSON.parse's.
 * Rows are numbered from 1 in array order (a one-line array has no line per row).
 */
export class JsonArrayParser {
  private state: 'before' | 'inside' | 'after' = 'before';
  /** A value must come next (after '[' one may; after ',' one must). */
  private expectValue = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private line = 1;
  /** The open element's text from earlier chunks; startLine 0 = no element is open. */
  private parts: string[] = [];
  private startLine = 0;
  private index = 0;
  private trailingReported = false;

  /** Feeds the next piece of text; returns the elements completed in it. */
  push(chunk: string): LineResult[] {
    const out: LineResult[] = [];
    let seg = this.startLine ? 0 : -1;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
        continue;
      }
      const space = c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;
      if (this.state === 'before') {
        if (space) continue;
        if (c === 91) {
          this.state = 'inside';
          this.expectValue = false;
          continue;
        }
        this.state = 'after';
        this.trailingReported = true;
        out.push({ line: 1, reason: 'the JSON document is not a list of rows' });
        continue;
      }
      if (this.state === 'after') {
        if (!space && !this.trailingReported) {
          this.trailingReported = true;
          out.push({
            line: this.index + 1,
            reason: `text after the end of the list on line ${this.line} was ignored`,
          });
        }
        continue;
      }
      if (!this.startLine) {
        if (space) continue;
        if (c === 44 || c === 93) {
          if (this.expectValue || c === 44) {
            out.push({
              line: this.index + 1,
              reason: `an empty entry (a stray comma) on line ${this.line}`,
            });
          }
          if (c === 93) this.state = 'after';
          else this.expectValue = true;
          continue;
        }
        this.startLine = this.line;
        this.depth = 0;
        seg = i;
      }
      if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if ((c === 125 || c === 93) && this.depth > 0) this.depth--;
      else if (this.depth === 0 && (c === 44 || c === 93)) {
        this.parts.push(chunk.slice(seg, i));
        out.push(this.finish());
        seg = -1;
        if (c === 93) this.state = 'after';
        else this.expectValue = true;
      }
    }
    if (this.startLine && seg >= 0) this.parts.push(chunk.slice(seg));
    return out;
  }

  /** The text ended: an element or the list left open is reported (the rows before it are kept). */
  end(): LineResult[] {
    if (this.state === 'before') return [{ line: 1, reason: 'the JSON document is empty' }];
    if (this.state === 'after') return [];
    const out: LineResult[] = [];
    if (this.startLine && this.depth === 0 && !this.inString) {
      // The last entry is whole; only the list's "]" is missing.
      out.push(this.finish());
    }
    if (this.startLine) {
      const start = this.startLine;
      const text = this.parts.join('');
      this.parts = [];
      this.startLine = 0;
      out.push({
        line: ++this.index,
        reason: `the entry starting on line ${start} is not closed: the file ends inside it (it may have been cut off)`,
        raw: clip(text.trim(), 300),
      });
    } else {
      out.push({
        line: this.index + 1,
        reason: 'the list is not closed with "]": the file may have been cut off',
      });
    }
    return out;
  }

  private finish(): LineResult {
    const text = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    const start = this.startLine;
    this.parts = [];
    this.startLine = 0;
    this.expectValue = false;
    const line = ++this.index;
    try {
      return { line, value: JSON.parse(text) as unknown };
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return {
        line,
        reason: `entry ${line} (line ${start} of the file) is not valid JSON: ${why}`,
        raw: clip(text.trim(), 300),
      };
    }
  }
}

/**
 * A whole JSON document: an array of rows (read element by element, see JsonArrayParser), or an
 * object holding one (e.g. {"data": [...]}), or a single row. Rows are numbered from 1 in array order.
 */
export function parseJsonText(text: string): { rows: SourceRow[]; errors: RowError[] } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trimStart().startsWith('[')) {
    const parser = new JsonArrayParser();
    const rows: SourceRow[] = [];
    const errors: RowError[] = [];
    for (const r of [...parser.push(body), ...parser.end()]) {
      if ('reason' in r) errors.push(r);
      else rows.push(r);
    }
    return { rows, errors };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    return {
      rows: [],
      errors: [
        { line: 1, reason: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` },
      ],
    };
  }
  let list: unknown[] | undefined;
  if (Array.isArray(doc)) list = doc;
  else if (typeof doc === 'object' && doc !== null) {
    const arrays = Object.values(doc).filter(Array.isArray);
    if (arrays.length === 1) list = arrays[0];
    else list = [doc];
  }
  if (!list)
    return {
      rows: [],
      errors: [{ line: 1, reason: 'the JSON document is not a list of rows', raw: rawOf(doc) }],
    };
  return { rows: list.map((value, i) => ({ line: i + 1, value })), errors: [] };
}

/** The kind of text a file holds, from its name and first non-blank character. */
export function guessTextKind(name: string, head: string): 'jsonl' | 'json' | 'csv' | 'tsv' {
  const lower = name.toLowerCase().replace(/\.gz$/, '');
  const t = head.replace(/^\uFEFF/, '').trimStart();
  if (lower.endsWith('.tsv')) return 'tsv';
  if (lower.endsWith('.csv')) return 'csv';
  if (t.startsWith('[')) return 'json';
  if (t.startsWith('{')) {
    // One object spread over several lines is a JSON document, not JSONL.
    const firstLine = t.split('\n', 1)[0]!.trim();
    try {
      JSON.parse(firstLine);
      return 'jsonl';
    } catch {
      return lower.endsWith('.jsonl') || lower.endsWith('.ndjson') ? 'jsonl' : 'json';
    }
  }
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || lower.endsWith('.json'))
    return 'jsonl';
  return 'csv';
}
