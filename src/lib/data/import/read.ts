// Reads a file's bytes into rows (gzip, UTF-8/16, JSONL/JSON/CSV/TSV): the one reader of the app's import worker and the CLI.
import { parseCsvText } from '../formats/csv';
import {
  guessTextKind,
  JsonArrayParser,
  JsonlByteParser,
  parseJsonText,
  sniffBytes,
  type LineResult,
} from '../formats/text';

/** The text layout of a file. */
export type TextKind = 'jsonl' | 'json' | 'csv' | 'tsv';

/** Where the reader sends what it finds, as it finds it. */
export interface RowSink {
  /** Called once, before the first row, when the kind of text is known. */
  kind?(kind: TextKind): void;
  /** A parsed row, or a row that could not be read (with its line). */
  row(r: LineResult): void;
  /** Bytes read so far of the (decompressed) file. */
  progress?(bytes: number, totalBytes: number): void;
}

/**
 * Rows nested deeper than this are refused: copying them to the page (structured clone) or
 * writing them out (JSON.stringify) recurses once per level and would overflow the stack. Real
 * evaluation rows nest a few levels (messages in a conversation in a row).
 */
export const MAX_ROW_DEPTH = 100;

/** Whether a parsed value nests objects/arrays more than `max` levels deep (checked without recursion). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
    }
  }
  return false;
}

/** The file was read (some rows may still be errors), or it cannot be read at all. */
export type ReadOutcome =
  | { ok: true; kind: TextKind; notes: string[]; totalBytes: number }
  | { ok: false; message: string };

/**
 * Reads a file as a stream of rows. UTF-8 JSONL is split into lines at the byte level, so a line
 * of invalid UTF-8 is an error on that line and never reaches a judge as "�". Notes say what was
 * converted (gzip, UTF-16, a BOM, a delimiter) so the user sees it.
 */
export async function readRows(
  file: Blob,
  name: string,
  to: RowSink,
  /** Filled as notes arise, so a preview sent mid-read already shows them. */
  notes: string[] = [],
): Promise<ReadOutcome> {
  const sink: RowSink = {
    ...to,
    row(r) {
      if ('value' in r && nestedDeeperThan(r.value, MAX_ROW_DEPTH)) {
        to.row({
          line: r.line,
          reason: `the row is nested more than ${MAX_ROW_DEPTH} levels deep; Arbiter reads rows of text fields, not deep trees`,
        });
      } else to.row(r);
    },
  };
  let blob = file;
  let fileName = name;
  if (blob.size === 0) return { ok: false, message: 'The file is empty.' };
  let sniff = sniffBytes(new Uint8Array(await blob.slice(0, 4096).arrayBuffer()));
  if (sniff.kind === 'gzip') {
    if (typeof DecompressionStream !== 'function') {
      return {
        ok: false,
        message:
          'The file is gzip-compressed and this browser cannot decompress it. Decompress it first (gunzip).',
      };
    }
    try {
      blob = await new Response(blob.stream().pipeThrough(new DecompressionStream('gzip'))).blob();
    } catch {
      return {
        ok: false,
        message: 'The file looks gzip-compressed but is damaged; it could not be decompressed.',
      };
    }
    notes.push('The file was gzip-compressed; it was decompressed.');
    fileName = fileName.replace(/\.gz$/i, '');
    sniff = sniffBytes(new Uint8Array(await blob.slice(0, 4096).arrayBuffer()));
    if (sniff.kind === 'gzip')
      return { ok: false, message: 'The file is compressed twice; decompress it first.' };
  }
  if (sniff.kind === 'binary') return { ok: false, message: sniff.reason };
  const totalBytes = blob.size;
  if (sniff.encoding !== 'utf-8')
    notes.push(`The file is ${sniff.encoding.toUpperCase()} text; it was converted.`);
  if (sniff.bom) notes.push('A byte-order mark at the start was ignored.');
  const headText = new TextDecoder(sniff.encoding).decode(await blob.slice(0, 65536).arrayBuffer());
  const kind = guessTextKind(fileName, headText);
  sink.kind?.(kind);
  const progress = (bytes: number) => sink.progress?.(bytes, totalBytes);

  if (kind === 'jsonl' && sniff.encoding === 'utf-8') {
    // Streamed: bytes are split into lines and parsed chunk by chunk.
    const parser = new JsonlByteParser();
    const reader = blob.stream().getReader();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      for (const r of parser.push(value)) sink.row(r);
      progress(bytes);
    }
    for (const r of parser.end()) sink.row(r);
  } else if (kind === 'json' && sniff.encoding === 'utf-8' && /^\uFEFF?\s*\[/.test(headText)) {
    // A JSON list, streamed too: element by element, never the whole file as one string.
    const parser = new JsonArrayParser();
    const decoder = new TextDecoder('utf-8');
    const reader = blob.stream().getReader();
    let bytes = 0;
    let replaced = false;
    for (;;) {
      const { done, value } = await reader.read();
      const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      if (!replaced && text.includes('\uFFFD')) {
        replaced = true;
        notes.push('Some bytes were not valid UTF-8 and show as �.');
      }
      for (const r of parser.push(text)) sink.row(r);
      if (done) break;
      bytes += value.length;
      progress(bytes);
    }
    for (const r of parser.end()) sink.row(r);
  } else {
    const text =
      sniff.encoding === 'utf-8'
        ? await blob.text()
        : new TextDecoder(sniff.encoding).decode(await blob.arrayBuffer());
    if (text.includes('\uFFFD') && sniff.encoding === 'utf-8') {
      notes.push('Some bytes were not valid UTF-8 and show as �.');
    }
    if (kind === 'json') {
      const r = parseJsonText(text);
      for (const e of r.errors) sink.row(e);
      for (const row of r.rows) sink.row(row);
    } else if (kind === 'jsonl') {
      const lines = text.replace(/^\uFEFF/, '').split('\n');
      const parser = new JsonlByteParser();
      const enc = new TextEncoder();
      // UTF-16 text: re-encode line by line so the byte parser numbers lines the same way.
      lines.forEach((l, i) => {
        for (const r of parser.push(enc.encode(i < lines.length - 1 ? `${l}\n` : l))) sink.row(r);
        progress(Math.round((totalBytes * i) / lines.length));
      });
      for (const r of parser.end()) sink.row(r);
    } else {
      const r = parseCsvText(text, {
        delimiter: kind === 'tsv' ? '\t' : undefined,
        onRow: (row, chars) => {
          sink.row(row);
          progress(Math.round((totalBytes * chars) / text.length));
        },
      });
      if (r.delimiter === ';') notes.push('Columns are separated by semicolons.');
      else if (r.delimiter === '\t' && kind !== 'tsv') notes.push('Columns are separated by tabs.');
    }
  }
  return { ok: true, kind, notes, totalBytes };
}
