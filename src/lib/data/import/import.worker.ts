// The import worker: reads a file (gzip, UTF-8/16, JSONL/JSON/CSV/TSV), keeps its rows, and adapts them in batches on request.
/// <reference lib="webworker" />
import { RowAdapter } from '../formats/adapt';
import { parseCsvText } from '../formats/csv';
import { detectFormat } from '../formats/detect';
import {
  guessTextKind,
  JsonlByteParser,
  parseJsonlText,
  parseJsonText,
  JsonArrayParser,
  sniffBytes,
  type LineResult,
} from '../formats/text';
import { pairArenaHard, singleAnswers } from '../formats/arena-hard';
import type { RowError, SourceRow } from '../formats/types';
import { openArbiterDB, type ArbiterDatabase } from '../../store/db';
import { toStoreError } from '../../store/errors';
import { createRepositories, type ItemRecord, type ItemStore } from '../../store';
import {
  MAX_KEPT_ERRORS,
  type FromWorker,
  type RowFilter,
  type ToWorker,
  type WireError,
} from './protocol';
import { importKeyBounds, toItemRecord } from './records';

const SAMPLE = 50;
const PROGRESS_MS = 100;

let rows: SourceRow[] = [];
let errors: RowError[] = [];
let errorCount = 0;
let sampleSent = false;
let kind: 'jsonl' | 'json' | 'csv' | 'tsv' = 'jsonl';
let notes: string[] = [];
let lastProgress = 0;

function post(m: FromWorker): void {
  (self as unknown as DedicatedWorkerGlobalScope).postMessage(m);
}

function keysOf(values: unknown[]): string[] {
  const keys = new Set<string>();
  for (const v of values) {
    if (typeof v === 'object' && v !== null && !Array.isArray(v))
      for (const k of Object.keys(v)) keys.add(k);
  }
  return [...keys];
}

function sendSample(): void {
  if (sampleSent) return;
  sampleSent = true;
  const values = rows.slice(0, SAMPLE).map((r) => r.value);
  post({
    type: 'sample',
    kind,
    rows: values.slice(0, 20),
    keys: keysOf(values),
    detected: detectFormat(values),
    notes: [...notes],
  });
}

function addError(e: RowError): void {
  errorCount++;
  if (errors.length < MAX_KEPT_ERRORS) errors.push(e);
}

function add(r: LineResult): void {
  if ('reason' in r) addError(r);
  else {
    rows.push(r);
    if (rows.length === SAMPLE) sendSample();
  }
}

function progress(
  phase: 'reading' | 'adapting',
  bytes: number,
  totalBytes: number,
  force = false,
): void {
  const now = performance.now();
  if (!force && now - lastProgress < PROGRESS_MS) return;
  lastProgress = now;
  post({
    type: 'progress',
    phase,
    progress: { bytes, totalBytes, rows: rows.length, errors: errorCount },
  });
}

async function parse(file: Blob, name: string): Promise<void> {
  rows = [];
  errors = [];
  errorCount = 0;
  sampleSent = false;
  notes = [];
  let blob = file;
  let fileName = name;
  if (blob.size === 0) return post({ type: 'fatal', message: 'The file is empty.' });
  let sniff = sniffBytes(new Uint8Array(await blob.slice(0, 4096).arrayBuffer()));
  if (sniff.kind === 'gzip') {
    if (typeof DecompressionStream !== 'function') {
      return post({
        type: 'fatal',
        message:
          'The file is gzip-compressed and this browser cannot decompress it. Decompress it first (gunzip).',
      });
    }
    try {
      blob = await new Response(blob.stream().pipeThrough(new DecompressionStream('gzip'))).blob();
    } catch {
      return post({
        type: 'fatal',
        message: 'The file looks gzip-compressed but is damaged; it could not be decompressed.',
      });
    }
    notes.push('The file was gzip-compressed; it was decompressed.');
    fileName = fileName.replace(/\.gz$/i, '');
    sniff = sniffBytes(new Uint8Array(await blob.slice(0, 4096).arrayBuffer()));
    if (sniff.kind === 'gzip')
      return post({ type: 'fatal', message: 'The file is compressed twice; decompress it first.' });
  }
  if (sniff.kind === 'binary') return post({ type: 'fatal', message: sniff.reason });
  const totalBytes = blob.size;
  if (sniff.encoding !== 'utf-8')
    notes.push(`The file is ${sniff.encoding.toUpperCase()} text; it was converted.`);
  if (sniff.bom) notes.push('A byte-order mark at the start was ignored.');
  const headText = new TextDecoder(sniff.encoding).decode(await blob.slice(0, 65536).arrayBuffer());
  kind = guessTextKind(fileName, headText);

  if (kind === 'jsonl' && sniff.encoding === 'utf-8') {
    // Streamed: bytes are split into lines and parsed chunk by chunk.
    const parser = new JsonlByteParser();
    const reader = blob.stream().getReader();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      for (const r of parser.push(value)) add(r);
      progress('reading', bytes, totalBytes);
    }
    for (const r of parser.end()) add(r);
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
      for (const r of parser.push(text)) add(r);
      if (done) break;
      bytes += value.length;
      progress('reading', bytes, totalBytes);
    }
    for (const r of parser.end()) add(r);
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
      for (const e of r.errors) addError(e);
      for (const row of r.rows) add(row);
    } else if (kind === 'jsonl') {
      const lines = text.replace(/^\uFEFF/, '').split('\n');
      const parser = new JsonlByteParser();
      const enc = new TextEncoder();
      // UTF-16 text: re-encode line by line so the byte parser numbers lines the same way.
      lines.forEach((l, i) => {
        for (const r of parser.push(enc.encode(i < lines.length - 1 ? `${l}\n` : l))) add(r);
        progress('reading', Math.round((totalBytes * i) / lines.length), totalBytes);
      });
      for (const r of parser.end()) add(r);
    } else {
      const r = parseCsvText(text, {
        delimiter: kind === 'tsv' ? '\t' : undefined,
        onRow: (row, chars) => {
          add(row);
          progress('reading', Math.round((totalBytes * chars) / text.length), totalBytes);
        },
      });
      if (r.delimiter === ';') notes.push('Columns are separated by semicolons.');
      else if (r.delimiter === '\t' && kind !== 'tsv') notes.push('Columns are separated by tabs.');
    }
  }
  if (rows.length === 0 && errorCount === 0) {
    return post({
      type: 'fatal',
      message: 'The file holds no rows (it is empty or only whitespace).',
    });
  }
  if (rows.length === 0) {
    return post({
      type: 'fatal',
      message: `No row could be read: ${errors[0]?.reason ?? 'unknown reason'}${errorCount > 1 ? ` (and ${errorCount - 1} more errors)` : ''}. Is this a JSONL, JSON or CSV file?`,
    });
  }
  sendSample();
  progress('reading', totalBytes, totalBytes, true);
  post({ type: 'parsed', rows: rows.length, errors, errorCount, totalBytes, notes });
}

function matches(value: unknown, f: RowFilter): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const meta = r.meta;
  const v = Object.hasOwn(r, f.key)
    ? r[f.key]
    : typeof meta === 'object' && meta !== null
      ? (meta as Record<string, unknown>)[f.key]
      : undefined;
  return typeof v === 'string' && v.startsWith(f.prefix);
}

let cancelled = false;
let db: ArbiterDatabase | null = null;

async function openDb(dbName: string): Promise<ArbiterDatabase> {
  db ??= await openArbiterDB(dbName, {
    // Another tab upgrades the database: this connection is already closed; writes will fail and say so.
    onVersionChange: () => (db = null),
  });
  return db;
}

/** Deletes every item this import wrote: one ranged delete, however many there are. */
async function cleanUp(dbName: string, datasetId: string): Promise<boolean> {
  try {
    const d = await openDb(dbName);
    const [lo, hi] = importKeyBounds(datasetId);
    await d.delete('items', IDBKeyRange.bound(lo, hi, false, true));
    return true;
  } catch {
    return false;
  }
}

function wire(e: unknown): WireError {
  const se = toStoreError(e);
  return { name: se.name, message: se.message, hint: se.hint };
}

async function adapt(m: Extract<ToWorker, { type: 'adapt' }>): Promise<void> {
  cancelled = false;
  const { dbName, datasetId } = m.target;
  const adapter = new RowAdapter(m.format, m.mapping, m.seed === undefined ? {} : { seed: m.seed });
  const maxItems = m.batchSize ?? 500;
  // About 4 MB of text per transaction keeps each write and its clone short.
  const maxChars = 4_000_000;
  let items: ItemStore;
  try {
    items = createRepositories(await openDb(dbName)).items;
  } catch (e) {
    post({ type: 'store-failed', error: wire(e), cleaned: true });
    return;
  }
  let batch: ItemRecord[] = [];
  let batchErrors: RowError[] = [];
  let chars = 0;
  let done = 0;
  let stored = 0;
  let adaptErrors = 0;
  let lastStored = 0;
  const total = rows.length;
  const flush = async (): Promise<boolean> => {
    try {
      await items.putMany(batch);
    } catch (e) {
      post({ type: 'store-failed', error: wire(e), cleaned: await cleanUp(dbName, datasetId) });
      return false;
    }
    stored += batch.length;
    batch = [];
    // At most ten progress messages a second: each one is work for the page's main thread.
    const now = performance.now();
    if (now - lastStored >= PROGRESS_MS || done === total) {
      lastStored = now;
      post({ type: 'stored', errors: batchErrors, done, total, items: stored });
      batchErrors = [];
    }
    chars = 0;
    // Let a 'cancel' message in between transactions.
    await new Promise((r) => setTimeout(r, 0));
    if (cancelled) {
      post({ type: 'cancelled', cleaned: await cleanUp(dbName, datasetId) });
      return false;
    }
    return true;
  };
  for (const row of rows) {
    done++;
    if (m.filter && !matches(row.value, m.filter)) continue;
    const out = adapter.adapt(row);
    if ('reason' in out) {
      adaptErrors++;
      if (adaptErrors <= MAX_KEPT_ERRORS) batchErrors.push(out);
      continue;
    }
    batch.push(toItemRecord(out, datasetId, stored + batch.length));
    chars +=
      out.prompt.length +
      out.responseA.length +
      (out.responseB?.length ?? 0) +
      (out.reference?.length ?? 0);
    if (batch.length >= maxItems || chars >= maxChars) {
      if (!(await flush())) return;
    }
  }
  if (batch.length || batchErrors.length) {
    if (!(await flush())) return;
  }
  if (batchErrors.length) post({ type: 'stored', errors: batchErrors, done, total, items: stored });
  post({ type: 'adapted', items: stored, errorCount: adaptErrors });
}

/** Reads an Arena-Hard questions file and answers files, and keeps the pairs as rows of Arbiter's own format. */
async function arena(m: Extract<ToWorker, { type: 'arena' }>): Promise<void> {
  rows = [];
  errors = [];
  errorCount = 0;
  sampleSent = false;
  notes = [];
  kind = 'jsonl';
  const read = async (b: Blob) => parseJsonlText(await b.text());
  const q = await read(m.questions);
  for (const e of q.errors) addError({ ...e, reason: `questions: ${e.reason}` });
  const files = [];
  for (const a of m.answers) {
    const r = await read(a.file);
    for (const e of r.errors) addError({ ...e, id: a.model, reason: `${a.model}: ${e.reason}` });
    files.push({ model: a.model, rows: r.rows });
  }
  const single = m.baseline === null;
  const paired = single ? singleAnswers(q.rows, files) : pairArenaHard(q.rows, files, m.baseline!);
  for (const e of paired.errors) addError(e);
  paired.items.forEach((it, i) =>
    rows.push({
      line: i + 1,
      // Arbiter's own pair rows, or single-answer rows ({prompt, response, model}).
      value: {
        id: it.id,
        prompt: it.prompt,
        ...(single
          ? { response: it.responseA, model: it.modelA }
          : {
              response_a: it.responseA,
              response_b: it.responseB,
              model_a: it.modelA,
              model_b: it.modelB,
            }),
        category: it.category,
        // Present on every row (even undefined) so detection maps it when only some have one.
        reference: it.reference,
        conversation: it.conversation,
        meta: it.meta,
      },
    }),
  );
  if (rows.length === 0) {
    return post({
      type: 'fatal',
      message: single
        ? `No answer could be read: ${errors[0]?.reason ?? 'the answers files are empty'}.`
        : `No pair could be made: ${errors[0]?.reason ?? 'no answers besides the baseline'}.`,
    });
  }
  notes.push(
    single
      ? `${rows.length} single answers: each model's answer to each question, graded alone.`
      : `${rows.length} pairs: each model's answer (B) against ${m.baseline} (A).`,
  );
  sendSample();
  const bytes = m.questions.size + m.answers.reduce((n, a) => n + a.file.size, 0);
  post({ type: 'parsed', rows: rows.length, errors, errorCount, totalBytes: bytes, notes });
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  const run = async () => {
    if (m.type === 'parse') await parse(m.file, m.name);
    else if (m.type === 'arena') await arena(m);
    else if (m.type === 'adapt') await adapt(m);
    else if (m.type === 'cancel') cancelled = true;
    else if (m.type === 'delete') {
      try {
        await createRepositories(await openDb(m.target.dbName)).datasets.delete(m.target.datasetId);
        post({ type: 'deleted' });
      } catch (e) {
        post({ type: 'store-failed', error: wire(e), cleaned: false });
      }
    }
  };
  run().catch((err: unknown) => {
    post({
      type: 'fatal',
      message: `The file could not be read: ${err instanceof Error ? err.message : String(err)}`,
    });
  });
};
