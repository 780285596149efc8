// The import worker: reads a file (gzip, UTF-8/16, JSONL/JSON/CSV/TSV), keeps its rows, and adapts them in batches on request.
/// <reference lib="webworker" />
import { RowAdapter } from '../formats/adapt';
import { detectFormat } from '../formats/detect';
import { parseJsonlText, type LineResult } from '../formats/text';
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
import { readRows, type TextKind } from './read';
import { importKeyBounds, toItemRecord } from './records';

const SAMPLE = 50;
const PROGRESS_MS = 100;
/** How often storing yields to the event loop so a 'cancel' message can arrive. */
const YIELD_MS = 50;
/**
 * Item batches commit with relaxed durability, as judgments do (store/judgments.ts): only an OS
 * crash right after a batch could lose it, and the dataset record, written after every item,
 * is then missing too, so the import shows as not done rather than short.
 */
const RELAXED: IDBTransactionOptions = { durability: 'relaxed' };

let rows: SourceRow[] = [];
let errors: RowError[] = [];
let errorCount = 0;
let sampleSent = false;
let kind: TextKind = 'jsonl';
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
  const read = await readRows(
    file,
    name,
    {
      kind: (k) => (kind = k),
      row: add,
      progress: (bytes, total) => progress('reading', bytes, total),
    },
    notes,
  );
  if (!read.ok) return post({ type: 'fatal', message: read.message });
  const totalBytes = read.totalBytes;
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
  let queued = 0;
  let stored = 0;
  let adaptErrors = 0;
  let lastStored = 0;
  let lastYield = performance.now();
  let inFlight: Promise<boolean> | null = null;
  const total = rows.length;
  const write = async (records: ItemRecord[]): Promise<boolean> => {
    try {
      await items.putMany(records, RELAXED);
    } catch (e) {
      post({ type: 'store-failed', error: wire(e), cleaned: await cleanUp(dbName, datasetId) });
      return false;
    }
    stored += records.length;
    // At most ten progress messages a second: each one is work for the page's main thread.
    const now = performance.now();
    if (now - lastStored >= PROGRESS_MS || done === total) {
      lastStored = now;
      post({ type: 'stored', errors: batchErrors, done, total, items: stored });
      batchErrors = [];
    }
    return true;
  };
  const flush = async (): Promise<boolean> => {
    // One write in flight while the next batch is adapted: the store commits while this thread works.
    if (inFlight && !(await inFlight)) return false;
    inFlight = write(batch);
    batch = [];
    chars = 0;
    // Let a 'cancel' message in now and then (a turn of the event loop per batch costs more).
    const now = performance.now();
    if (now - lastYield >= YIELD_MS) {
      lastYield = now;
      await new Promise((r) => setTimeout(r, 0));
    }
    if (cancelled) {
      // A write that failed has already said so (and cleaned up).
      if (!(await inFlight)) return false;
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
    batch.push(toItemRecord(out, datasetId, queued++));
    chars +=
      out.prompt.length +
      out.responseA.length +
      (out.responseB?.length ?? 0) +
      (out.reference?.length ?? 0);
    if (batch.length >= maxItems || chars >= maxChars) {
      if (!(await flush())) return;
    }
  }
  if (batch.length && !(await flush())) return;
  if (inFlight && !(await inFlight)) return;
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
