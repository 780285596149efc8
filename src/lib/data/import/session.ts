// One dataset import at a time: the parse worker it owns, its phases, the import lock, cancel and clean-up.
import { newId, StoreError, type DatasetRecord, type Repositories } from '../../store';
import { holdLock, importLockName } from '../../store/locks';
import { csvRow, CRLF } from '../csv';
import type { FieldMapping, FormatId, RowError, TargetField } from '../formats/types';
import type { ImportWorker } from './client';
import type { FromWorker, ParseProgress, RowFilter, ToWorker, WireError } from './protocol';

export type ImportPhase =
  'idle' | 'reading' | 'review' | 'importing' | 'done' | 'failed' | 'cancelled';

/** A row error with where it came from: reading the file, or mapping it to an item. */
export interface ImportRowError extends RowError {
  stage: 'read' | 'map';
}

/**
 * What an import shows. The session writes it and reads back what the user may change (format,
 * mapping, name); the Datasets state implements it with runes, tests with a plain object.
 */
export interface ImportView {
  phase: ImportPhase;
  fileName: string;
  fileSize: number;
  progress: ParseProgress;
  kind: 'jsonl' | 'json' | 'csv' | 'tsv' | null;
  sample: unknown[];
  keys: string[];
  detected: { format: FormatId; mapping: FieldMapping } | null;
  format: FormatId;
  mapping: FieldMapping;
  notes: string[];
  /** Whole file read: the import can start. */
  parsed: boolean;
  rowCount: number;
  errors: ImportRowError[];
  errorCount: number;
  fatal: string | null;
  storeError: unknown;
  name: string;
  imported: number;
  importTotal: number;
  result: DatasetRecord | null;
}

/** A view with nothing imported yet. */
export function emptyImportView(): ImportView {
  return {
    phase: 'idle',
    fileName: '',
    fileSize: 0,
    progress: { bytes: 0, totalBytes: 0, rows: 0, errors: 0 },
    kind: null,
    sample: [],
    keys: [],
    detected: null,
    format: 'arbiter',
    mapping: {},
    notes: [],
    parsed: false,
    rowCount: 0,
    errors: [],
    errorCount: 0,
    fatal: null,
    storeError: null,
    name: '',
    imported: 0,
    importTotal: 0,
    result: null,
  };
}

/** The database an import writes to. */
export interface ImportStorage {
  readonly dbName: string;
  repositories(): Promise<Repositories>;
}

export interface BeginOptions {
  filter?: RowFilter;
  /** Store as soon as the file is read, without the review step (bundled sets). */
  autoImport?: boolean;
  name?: string;
  promptsOnly?: boolean;
  /** What to ask the worker instead of parsing `file` (Arena-Hard pairing). */
  message?: ToWorker;
}

/** How long a cancel waits for the worker to delete what it wrote before cleaning up here. */
const CANCEL_WAIT_MS = 15_000;

/** A storage error from the worker, shown like one raised here (same name, message and hint). */
export function fromWire(e: WireError): StoreError {
  const err = new StoreError(e.message, e.hint);
  err.name = e.name;
  return err;
}

/** What is missing before `mapping` can import anything in `format` (empty when it can). */
export function mappingProblem(format: FormatId, m: FieldMapping): string {
  if (format === 'fastchat') return m.responseA && m.responseB ? '' : 'Map both conversations.';
  if (!m.prompt && format !== 'chosen-rejected') return 'Map a field to Prompt.';
  if ((format === 'single' || format === 'arena-hard' || format === 'custom') && !m.responseA)
    return '';
  if (!m.responseA) return 'Map a field to Response A.';
  if (format !== 'single' && format !== 'custom' && !m.responseB)
    return 'Map a field to Response B.';
  return '';
}

/** `mapping` with `field` set to `key`, or removed when `key` is empty. */
export function withMapping(mapping: FieldMapping, field: TargetField, key: string): FieldMapping {
  const next = { ...mapping };
  if (key) next[field] = key;
  else delete next[field];
  return next;
}

/** Import errors as CSV (line, stage, id, reason, raw); formula-looking cells are guarded. */
export function importErrorsCsv(errors: readonly ImportRowError[]): string {
  const rows = [csvRow(['line', 'stage', 'id', 'reason', 'raw'])];
  for (const e of errors)
    rows.push(csvRow([e.line, e.stage, e.id, e.reason, e.raw], { guardFormulas: true }));
  return rows.join(CRLF) + CRLF;
}

/**
 * Drives one import: read in a worker, review, store in batches (the worker writes the items, this
 * writes the dataset record last), cancel or fail without leaving anything listed.
 */
export class ImportSession {
  private worker: ImportWorker | null = null;
  private datasetId: string | null = null;
  /** Releases the running import's Web Lock (see importLockName). */
  private unlockImport: (() => void) | null = null;
  private source = '';
  private filter: RowFilter | undefined;
  private promptsOnly = false;
  private autoImport = false;
  /** Bumped whenever the worker is replaced or dropped: replies from an older one are ignored. */
  private generation = 0;
  private readErrorCount = 0;
  private cancelDone: ((cleaned: boolean) => void) | null = null;

  constructor(
    private readonly view: ImportView,
    private readonly storage: ImportStorage,
    private readonly workerFactory: () => ImportWorker,
    /** Called once a dataset record is written (the list shows it). */
    private readonly onImported: () => Promise<void> = async () => undefined,
  ) {}

  /** Starts reading `file` in a new worker, dropping any import in progress. */
  begin(file: Blob, fileName: string, source: string, opts: BeginOptions = {}): void {
    const v = this.view;
    this.stopWorker();
    this.generation++;
    v.phase = 'reading';
    v.fileName = fileName;
    v.fileSize = file.size;
    v.progress = { bytes: 0, totalBytes: file.size, rows: 0, errors: 0 };
    v.kind = null;
    v.sample = [];
    v.keys = [];
    v.detected = null;
    v.notes = [];
    v.parsed = false;
    v.rowCount = 0;
    v.errors = [];
    v.errorCount = 0;
    v.fatal = null;
    v.storeError = null;
    v.imported = 0;
    v.importTotal = 0;
    v.result = null;
    this.datasetId = null;
    this.releaseImportLock();
    this.source = source;
    this.filter = opts.filter;
    this.autoImport = opts.autoImport ?? false;
    this.promptsOnly = opts.promptsOnly ?? false;
    v.name = opts.name ?? fileName.replace(/\.(jsonl|ndjson|json|csv|tsv|txt)(\.gz)?$/i, '');
    const generation = this.generation;
    const w = this.workerFactory();
    this.worker = w;
    w.onmessage = (m) => {
      if (generation === this.generation) void this.onMessage(m);
    };
    w.onerror = (message) => {
      if (generation !== this.generation) return;
      void this.fail(`The import stopped: ${message}`);
    };
    w.post(opts.message ?? { type: 'parse', file, name: fileName });
  }

  private async onMessage(m: FromWorker): Promise<void> {
    const v = this.view;
    switch (m.type) {
      case 'progress':
        v.progress = m.progress;
        break;
      case 'sample':
        v.kind = m.kind;
        v.sample = m.rows;
        v.keys = m.keys;
        v.detected = m.detected;
        v.format = m.detected.format;
        v.mapping = { ...m.detected.mapping };
        v.notes = m.notes;
        if (v.phase === 'reading' && !this.autoImport) v.phase = 'review';
        break;
      case 'parsed':
        v.parsed = true;
        v.rowCount = m.rows;
        v.notes = m.notes;
        v.errorCount = m.errorCount;
        this.readErrorCount = m.errorCount;
        v.errors = m.errors.map((e) => ({ ...e, stage: 'read' }));
        v.progress = {
          bytes: m.totalBytes,
          totalBytes: m.totalBytes,
          rows: m.rows,
          errors: m.errorCount,
        };
        if (this.autoImport) await this.startImport();
        else v.phase = 'review';
        break;
      case 'fatal':
        await this.fail(m.message);
        break;
      case 'stored':
        this.stored(m.errors, m.done, m.total, m.items);
        break;
      case 'adapted':
        await this.finish(m.items, m.errorCount);
        break;
      case 'store-failed':
        v.storeError = fromWire(m.error);
        await this.abandon('failed', m.cleaned);
        break;
      case 'cancelled':
        this.cancelDone?.(m.cleaned);
        break;
    }
  }

  /** Stores the parsed file as a dataset with the view's format and mapping. */
  async startImport(): Promise<void> {
    const v = this.view;
    if (!this.worker || !v.parsed || v.phase === 'importing') return;
    try {
      await this.storage.repositories();
    } catch (e) {
      v.storeError = e;
      v.phase = 'failed';
      return;
    }
    const datasetId = newId();
    this.datasetId = datasetId;
    v.phase = 'importing';
    this.releaseImportLock();
    // Held until the dataset record is written: a start-up sweep in another tab leaves these items alone.
    const unlock = await holdLock(importLockName(datasetId));
    // Cancelled or replaced while the lock was taken.
    if (this.datasetId !== datasetId || !this.worker) return unlock();
    this.unlockImport = unlock;
    v.imported = 0;
    v.importTotal = v.rowCount;
    // Rows that failed to map are listed after the read errors; a new mapping starts them afresh.
    v.errors = v.errors.filter((e) => e.stage === 'read');
    v.errorCount = this.readErrorCount;
    this.worker.post({
      type: 'adapt',
      format: v.format,
      // A plain copy: the view's mapping may be a reactive proxy, which cannot be posted.
      mapping: { ...v.mapping },
      target: { dbName: this.storage.dbName, datasetId },
      ...(this.filter ? { filter: this.filter } : {}),
    });
  }

  private stored(errors: RowError[], done: number, total: number, items: number): void {
    const v = this.view;
    if (v.phase !== 'importing') return;
    if (errors.length) {
      v.errors = [...v.errors, ...errors.map((e) => ({ ...e, stage: 'map' as const }))];
    }
    v.imported = items;
    v.importTotal = total;
    v.progress = { ...v.progress, rows: done };
  }

  private async finish(items: number, mapErrors: number): Promise<void> {
    const v = this.view;
    const datasetId = this.datasetId;
    if (!datasetId || v.phase !== 'importing') return;
    v.errorCount = this.readErrorCount + mapErrors;
    if (items === 0) {
      v.fatal =
        'No row could be imported with this mapping; see the errors below. Change the format or mapping and try again.';
      v.phase = 'review';
      this.datasetId = null;
      this.releaseImportLock();
      return;
    }
    const promptOnly =
      this.promptsOnly ||
      ((v.format === 'single' || v.format === 'arena-hard') && !v.mapping.responseA);
    const record: DatasetRecord = {
      id: datasetId,
      name: v.name.trim() || v.fileName,
      source: this.source,
      format: promptOnly ? 'prompts' : v.format,
      itemCount: items,
      createdAt: Date.now(),
    };
    try {
      const repos = await this.storage.repositories();
      // The dataset record goes last: until it exists, the items are not a dataset anyone lists.
      await repos.datasets.put(record);
      this.releaseImportLock();
      v.result = record;
      v.phase = 'done';
      this.stopWorker();
      await this.onImported();
    } catch (e) {
      v.storeError = e;
      await this.abandon('failed', false);
    }
  }

  /** Stops the import: nothing of it stays stored. */
  async cancel(): Promise<void> {
    if (this.view.phase === 'importing' && this.worker) {
      // The worker stops between two transactions and deletes what it wrote (one ranged delete).
      const w = this.worker;
      const cleaned = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), CANCEL_WAIT_MS);
        this.cancelDone = (ok) => {
          clearTimeout(timer);
          resolve(ok);
        };
        w.post({ type: 'cancel' });
      });
      this.cancelDone = null;
      this.generation++;
      await this.abandon('cancelled', cleaned);
      return;
    }
    this.generation++;
    this.stopWorker();
    this.view.phase = 'cancelled';
  }

  /** Back to the file picker. */
  reset(): void {
    const v = this.view;
    this.generation++;
    this.stopWorker();
    v.phase = 'idle';
    v.fatal = null;
    v.storeError = null;
    v.errors = [];
    v.errorCount = 0;
    v.sample = [];
    v.result = null;
  }

  /**
   * Ends a failed or cancelled import. The items it wrote have no dataset record, so nothing lists
   * them; when the worker could not delete them, this tries once more (slower, on this thread).
   */
  private async abandon(phase: ImportPhase, cleaned: boolean): Promise<void> {
    const datasetId = this.datasetId;
    this.view.phase = phase;
    this.datasetId = null;
    this.stopWorker();
    if (cleaned || !datasetId) return this.releaseImportLock();
    try {
      const repos = await this.storage.repositories();
      await repos.datasets.delete(datasetId);
    } catch {
      // Still unlisted; the start-up sweep (sweepOrphanItems) removes them later.
    } finally {
      this.releaseImportLock();
    }
  }

  private async fail(message: string): Promise<void> {
    this.view.fatal = message;
    await this.abandon('failed', false);
  }

  private releaseImportLock(): void {
    this.unlockImport?.();
    this.unlockImport = null;
  }

  private stopWorker(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}

/**
 * Deletes a dataset with its items, labels, runs and judgments in a worker of its own, so a big
 * one never stalls the page. Rejects with the worker's storage error.
 */
export async function deleteDataset(
  workerFactory: () => ImportWorker,
  dbName: string,
  datasetId: string,
): Promise<void> {
  const w = workerFactory();
  try {
    await new Promise<void>((resolve, reject) => {
      w.onmessage = (m) => {
        if (m.type === 'deleted') resolve();
        else if (m.type === 'store-failed') reject(fromWire(m.error));
      };
      w.onerror = (message) => reject(new Error(message));
      w.post({ type: 'delete', target: { dbName, datasetId } });
    });
  } finally {
    w.terminate();
  }
}
