// Datasets as state: the list, one import at a time (parse in a worker, review, store in batches), bundled sets, a dataset's items.
import { BUNDLED_BASE, BUNDLED_SETS, type BundledSet } from '../data/bundled';
import { summariseAccuracies, type PublishedAccuracy } from '../data/accuracy';
import { csvRow, CRLF } from '../data/csv';
import { createImportWorker, type ImportWorker } from '../data/import/client';
import type {
  FromWorker,
  ParseProgress,
  RowFilter,
  ToWorker,
  WireError,
} from '../data/import/protocol';
import type { FieldMapping, FormatId, RowError, TargetField } from '../data/formats/types';
import { holdLock, importLockName } from '../run/coordination';
import { newId, StoreError, type DatasetRecord, type ItemRecord } from '../store';
import type { StorageState } from './storage.svelte';
import { downloadBlob } from '../ui/download';

export type ImportPhase =
  'idle' | 'reading' | 'review' | 'importing' | 'done' | 'failed' | 'cancelled';

/** A row error with where it came from: reading the file, or mapping it to an item. */
export interface ImportRowError extends RowError {
  stage: 'read' | 'map';
}

/** Label counts of a dataset ("none" = no label; numbers are scores). */
export type LabelDistribution = { label: string; count: number }[];

/** Items read per request for the virtualised item list (by dataset index). */
const CHUNK = 100;
/** Chunks kept in memory; farther ones are dropped and read again if scrolled back to. */
const MAX_CHUNKS = 30;

/** A storage error from the worker, shown like one raised here (same name, message and hint). */
function fromWire(e: WireError): StoreError {
  const err = new StoreError(e.message, e.hint);
  err.name = e.name;
  return err;
}

export class DatasetsState {
  list = $state.raw<DatasetRecord[]>([]);
  listError = $state<unknown>(null);
  loading = $state(false);

  // The import in progress (one at a time).
  phase = $state<ImportPhase>('idle');
  fileName = $state('');
  fileSize = $state(0);
  progress = $state<ParseProgress>({ bytes: 0, totalBytes: 0, rows: 0, errors: 0 });
  kind = $state<'jsonl' | 'json' | 'csv' | 'tsv' | null>(null);
  sample = $state.raw<unknown[]>([]);
  keys = $state.raw<string[]>([]);
  detected = $state.raw<{ format: FormatId; mapping: FieldMapping } | null>(null);
  format = $state<FormatId>('arbiter');
  mapping = $state<FieldMapping>({});
  notes = $state.raw<string[]>([]);
  /** Whole file read: the import can start. */
  parsed = $state(false);
  rowCount = $state(0);
  errors = $state.raw<ImportRowError[]>([]);
  errorCount = $state(0);
  fatal = $state<string | null>(null);
  storeError = $state<unknown>(null);
  name = $state('');
  imported = $state(0);
  importTotal = $state(0);
  result = $state.raw<DatasetRecord | null>(null);
  bundledBusy = $state<string | null>(null);
  /** The dataset being deleted. */
  deleting = $state<string | null>(null);

  // The dataset being viewed.
  detail = $state.raw<DatasetRecord | null>(null);
  detailMissing = $state(false);
  detailError = $state<unknown>(null);
  /** Items read so far, by chunk (dataset index / CHUNK); the list is virtualised over itemCount rows. */
  chunks = $state.raw<Record<number, ItemRecord[]>>({});
  /** Chunks being read now. */
  private reading: number[] = [];
  distribution = $state.raw<LabelDistribution | null>(null);

  accuracies = $state.raw<PublishedAccuracy[] | null>(null);
  accuraciesError = $state<string | null>(null);

  private worker: ImportWorker | null = null;
  private datasetId: string | null = null;
  /** Releases the running import's Web Lock (see importLockName). */
  private unlockImport: (() => void) | null = null;
  private source = '';
  private filter: RowFilter | undefined;
  private promptsOnly = false;
  private autoImport = false;
  private generation = 0;
  private readErrorCount = 0;

  constructor(
    private readonly storage: StorageState,
    private readonly workerFactory: () => ImportWorker = createImportWorker,
    private readonly fetcher: (url: string) => Promise<Response> = (url) => fetch(url),
  ) {}

  readonly bundled = BUNDLED_SETS;

  async refresh(): Promise<void> {
    this.loading = true;
    try {
      const repos = await this.storage.repositories();
      this.list = await repos.datasets.list();
      this.listError = null;
    } catch (e) {
      this.listError = e;
    } finally {
      this.loading = false;
    }
  }

  /** Starts reading a file the user picked or dropped; the review step follows. */
  choose(file: File): void {
    this.begin(file, file.name, file.name);
  }

  /**
   * Arena-Hard model answers: the questions file and one answers file per model (named after the
   * model, as arena-hard-auto writes them), paired against the baseline's answers.
   */
  chooseArena(questions: File, answers: File[], baseline: string | null): void {
    const model = (f: File) => f.name.replace(/\.(jsonl|json)$/i, '');
    this.begin(questions, questions.name, `arena-hard:${questions.name}`, {
      name: baseline === null ? 'Model answers' : `Arena-Hard vs ${baseline}`,
      message: {
        type: 'arena',
        questions,
        answers: answers.map((f) => ({ model: model(f), file: f })),
        baseline,
      },
    });
  }

  private begin(
    file: Blob,
    fileName: string,
    source: string,
    opts: {
      filter?: RowFilter;
      autoImport?: boolean;
      name?: string;
      promptsOnly?: boolean;
      /** What to ask the worker instead of parsing `file` (Arena-Hard pairing). */
      message?: ToWorker;
    } = {},
  ): void {
    this.stopWorker();
    this.generation++;
    this.phase = 'reading';
    this.fileName = fileName;
    this.fileSize = file.size;
    this.progress = { bytes: 0, totalBytes: file.size, rows: 0, errors: 0 };
    this.kind = null;
    this.sample = [];
    this.keys = [];
    this.detected = null;
    this.notes = [];
    this.parsed = false;
    this.rowCount = 0;
    this.errors = [];
    this.errorCount = 0;
    this.fatal = null;
    this.storeError = null;
    this.imported = 0;
    this.importTotal = 0;
    this.result = null;
    this.datasetId = null;
    this.releaseImportLock();
    this.source = source;
    this.filter = opts.filter;
    this.autoImport = opts.autoImport ?? false;
    this.promptsOnly = opts.promptsOnly ?? false;
    this.name = opts.name ?? fileName.replace(/\.(jsonl|ndjson|json|csv|tsv|txt)(\.gz)?$/i, '');
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
    switch (m.type) {
      case 'progress':
        this.progress = m.progress;
        break;
      case 'sample':
        this.kind = m.kind;
        this.sample = m.rows;
        this.keys = m.keys;
        this.detected = m.detected;
        this.format = m.detected.format;
        this.mapping = { ...m.detected.mapping };
        this.notes = m.notes;
        if (this.phase === 'reading' && !this.autoImport) this.phase = 'review';
        break;
      case 'parsed':
        this.parsed = true;
        this.rowCount = m.rows;
        this.notes = m.notes;
        this.errorCount = m.errorCount;
        this.readErrorCount = m.errorCount;
        this.errors = m.errors.map((e) => ({ ...e, stage: 'read' }));
        this.progress = {
          bytes: m.totalBytes,
          totalBytes: m.totalBytes,
          rows: m.rows,
          errors: m.errorCount,
        };
        if (this.autoImport) await this.startImport();
        else this.phase = 'review';
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
        this.storeError = fromWire(m.error);
        await this.abandon('failed', m.cleaned);
        break;
      case 'cancelled':
        this.cancelDone?.(m.cleaned);
        break;
    }
  }

  /** Changes the format; the mapping resets to what detection proposed when it was that format. */
  setFormat(format: FormatId): void {
    this.format = format;
    if (this.detected?.format === format) this.mapping = { ...this.detected.mapping };
  }

  setMapping(field: TargetField, key: string): void {
    const next = { ...this.mapping };
    if (key) next[field] = key;
    else delete next[field];
    this.mapping = next;
  }

  /** What is missing before this mapping can import anything (empty when it can). */
  get mappingProblem(): string {
    const m = this.mapping;
    if (this.format === 'fastchat')
      return m.responseA && m.responseB ? '' : 'Map both conversations.';
    if (!m.prompt && this.format !== 'chosen-rejected') return 'Map a field to Prompt.';
    if (
      (this.format === 'single' || this.format === 'arena-hard' || this.format === 'custom') &&
      !m.responseA
    )
      return '';
    if (!m.responseA) return 'Map a field to Response A.';
    if (this.format !== 'single' && this.format !== 'custom' && !m.responseB)
      return 'Map a field to Response B.';
    return '';
  }

  /** Stores the parsed file as a dataset with the current format and mapping. */
  async startImport(): Promise<void> {
    if (!this.worker || !this.parsed || this.phase === 'importing') return;
    try {
      await this.storage.repositories();
    } catch (e) {
      this.storeError = e;
      this.phase = 'failed';
      return;
    }
    const datasetId = newId();
    this.datasetId = datasetId;
    this.phase = 'importing';
    this.releaseImportLock();
    // Held until the dataset record is written: a start-up sweep in another tab leaves these items alone.
    const unlock = await holdLock(importLockName(datasetId));
    // Cancelled or replaced while the lock was taken.
    if (this.datasetId !== datasetId || !this.worker) return unlock();
    this.unlockImport = unlock;
    this.imported = 0;
    this.importTotal = this.rowCount;
    // Rows that failed to map are listed after the read errors; a new mapping starts them afresh.
    this.errors = this.errors.filter((e) => e.stage === 'read');
    this.errorCount = this.readErrorCount;
    this.worker.post({
      type: 'adapt',
      format: this.format,
      mapping: $state.snapshot(this.mapping),
      target: { dbName: this.storage.dbName, datasetId },
      ...(this.filter ? { filter: this.filter } : {}),
    });
  }

  private stored(errors: RowError[], done: number, total: number, items: number): void {
    if (this.phase !== 'importing') return;
    if (errors.length) {
      this.errors = [...this.errors, ...errors.map((e) => ({ ...e, stage: 'map' as const }))];
    }
    this.imported = items;
    this.importTotal = total;
    this.progress = { ...this.progress, rows: done };
  }

  private async finish(items: number, mapErrors: number): Promise<void> {
    const datasetId = this.datasetId;
    if (!datasetId || this.phase !== 'importing') return;
    this.errorCount = this.readErrorCount + mapErrors;
    if (items === 0) {
      this.fatal =
        'No row could be imported with this mapping; see the errors below. Change the format or mapping and try again.';
      this.phase = 'review';
      this.datasetId = null;
      this.releaseImportLock();
      return;
    }
    const promptOnly =
      this.promptsOnly ||
      ((this.format === 'single' || this.format === 'arena-hard') && !this.mapping.responseA);
    const record: DatasetRecord = {
      id: datasetId,
      name: this.name.trim() || this.fileName,
      source: this.source,
      format: promptOnly ? 'prompts' : this.format,
      itemCount: items,
      createdAt: Date.now(),
    };
    try {
      const repos = await this.storage.repositories();
      // The dataset record goes last: until it exists, the items are not a dataset anyone lists.
      await repos.datasets.put(record);
      this.releaseImportLock();
      this.result = record;
      this.phase = 'done';
      this.stopWorker();
      await this.refresh();
    } catch (e) {
      this.storeError = e;
      await this.abandon('failed', false);
    }
  }

  private cancelDone: ((cleaned: boolean) => void) | null = null;

  /** Stops the import: nothing of it stays stored. */
  async cancel(): Promise<void> {
    if (this.phase === 'importing' && this.worker) {
      // The worker stops between two transactions and deletes what it wrote (one ranged delete).
      const w = this.worker;
      const cleaned = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 15_000);
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
    this.phase = 'cancelled';
  }

  /**
   * Ends a failed or cancelled import. The items it wrote have no dataset record, so nothing lists
   * them; when the worker could not delete them, this tries once more (slower, on this thread).
   */
  private async abandon(phase: ImportPhase, cleaned: boolean): Promise<void> {
    const datasetId = this.datasetId;
    this.phase = phase;
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

  private releaseImportLock(): void {
    this.unlockImport?.();
    this.unlockImport = null;
  }

  private async fail(message: string): Promise<void> {
    this.fatal = message;
    await this.abandon('failed', false);
  }

  /** Back to the file picker. */
  reset(): void {
    this.generation++;
    this.stopWorker();
    this.phase = 'idle';
    this.fatal = null;
    this.storeError = null;
    this.errors = [];
    this.errorCount = 0;
    this.sample = [];
    this.result = null;
  }

  private stopWorker(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  /** The error list as CSV (line, stage, id, reason, raw); formula-looking cells are guarded. */
  errorsCsv(): string {
    const rows = [csvRow(['line', 'stage', 'id', 'reason', 'raw'])];
    for (const e of this.errors)
      rows.push(csvRow([e.line, e.stage, e.id, e.reason, e.raw], { guardFormulas: true }));
    return rows.join(CRLF) + CRLF;
  }

  downloadErrors(): void {
    downloadBlob(
      new Blob([this.errorsCsv()], { type: 'text/csv' }),
      `${this.name || 'import'}-errors.csv`,
    );
  }

  /** Imports a bundled set in one click (fetched from the app's own origin). */
  async importBundled(set: BundledSet): Promise<void> {
    this.bundledBusy = set.id;
    try {
      const res = await this.fetcher(`${BUNDLED_BASE}/${set.folder}/${set.file}`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const blob = await res.blob();
      this.begin(blob, set.file, `bundled:${set.id}`, {
        autoImport: true,
        name: set.name,
        promptsOnly: set.promptsOnly ?? false,
        ...(set.filter ? { filter: set.filter } : {}),
      });
    } catch (e) {
      this.phase = 'failed';
      this.fatal = `The bundled set ${set.name} is not available in this build (${e instanceof Error ? e.message : String(e)}).`;
    } finally {
      this.bundledBusy = null;
    }
  }

  /** The README (source, license, notice) of a bundled set, as plain text. */
  async bundledNotice(set: BundledSet): Promise<string> {
    const res = await this.fetcher(`${BUNDLED_BASE}/${set.folder}/README.md`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.text();
  }

  /** LLMBar's published accuracies: Natural, and Adversarial as the mean of its four subsets. */
  async loadAccuracies(): Promise<void> {
    if (this.accuracies) return;
    try {
      const res = await this.fetcher(`${BUNDLED_BASE}/llmbar/published_accuracy.csv`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const { parseCsvText } = await import('../data/formats/csv');
      const { rows } = parseCsvText(await res.text());
      this.accuracies = summariseAccuracies(rows.map((r) => r.value as Record<string, string>));
      this.accuraciesError = null;
    } catch (e) {
      this.accuraciesError = `Published accuracies are not available (${e instanceof Error ? e.message : String(e)}).`;
    }
  }

  /** Deletes a dataset with its items, labels, runs and judgments, in a worker so a big one never stalls the page. */
  async remove(id: string): Promise<void> {
    this.deleting = id;
    try {
      const w = this.workerFactory();
      try {
        await new Promise<void>((resolve, reject) => {
          w.onmessage = (m) => {
            if (m.type === 'deleted') resolve();
            else if (m.type === 'store-failed') reject(fromWire(m.error));
          };
          w.onerror = (message) => reject(new Error(message));
          w.post({ type: 'delete', target: { dbName: this.storage.dbName, datasetId: id } });
        });
      } finally {
        w.terminate();
      }
      this.listError = null;
      if (this.detail?.id === id) this.detail = null;
      await this.refresh();
    } catch (e) {
      this.listError = e;
    } finally {
      this.deleting = null;
    }
  }

  /** Opens a dataset: its record, the first items and (in the background) its label counts. */
  async open(id: string): Promise<void> {
    const generation = ++this.generation;
    this.detail = null;
    this.detailMissing = false;
    this.detailError = null;
    this.chunks = {};
    this.reading = [];
    this.distribution = null;
    try {
      const repos = await this.storage.repositories();
      const d = await repos.datasets.get(id);
      if (generation !== this.generation) return;
      if (!d) {
        this.detailMissing = true;
        return;
      }
      this.detail = d;
      await this.showItems(0, 20);
      void this.countLabels(d.id);
    } catch (e) {
      this.detailError = e;
    }
  }

  /** The item at dataset index `i` once read; undefined while it is being read. */
  itemAt(i: number): ItemRecord | undefined {
    const chunk = this.chunks[Math.floor(i / CHUNK)];
    return chunk?.find((it) => it.index === i);
  }

  /** Whether the chunk holding index `i` was read (so a missing item there does not exist). */
  isRead(i: number): boolean {
    return Math.floor(i / CHUNK) in this.chunks;
  }

  /**
   * The item list shows indexes [from, to): reads the chunks around them that are not in memory,
   * one request each, and drops the chunks farthest away beyond MAX_CHUNKS, so memory stays
   * bounded at any dataset size.
   */
  async showItems(from: number, to: number): Promise<void> {
    const d = this.detail;
    if (!d) return;
    const first = Math.max(0, Math.floor(from / CHUNK) - 1);
    const last = Math.floor(Math.max(from, to - 1) / CHUNK) + 1;
    const wanted: number[] = [];
    for (let c = first; c <= last && c * CHUNK < d.itemCount; c++) {
      if (!(c in this.chunks) && !this.reading.includes(c)) wanted.push(c);
    }
    if (wanted.length === 0) return;
    this.reading.push(...wanted);
    try {
      const repos = await this.storage.repositories();
      const read = await Promise.all(
        wanted.map((c) => repos.items.byDataset(d.id, { from: c * CHUNK, limit: CHUNK })),
      );
      if (this.detail?.id !== d.id) return;
      const next = { ...this.chunks };
      wanted.forEach((c, k) => {
        next[c] = (read[k] ?? []).filter((it) => it.index < (c + 1) * CHUNK);
      });
      const centre = (first + last) / 2;
      const far = Object.keys(next)
        .map(Number)
        .sort((x, y) => Math.abs(y - centre) - Math.abs(x - centre));
      for (let extra = far.length - MAX_CHUNKS; extra > 0; extra--)
        delete next[far.shift() as number];
      this.chunks = next;
    } catch (e) {
      this.detailError = e;
    } finally {
      this.reading = this.reading.filter((c) => !wanted.includes(c));
    }
  }

  private async countLabels(datasetId: string): Promise<void> {
    // Labels are 'A', 'B', 'tie', 'none' or numbers: safe as plain keys.
    const counts: Record<string, number> = {};
    const repos = await this.storage.repositories();
    // Pages keep each read (and its structured clone) small, so a 200k-item set never stalls the page.
    for (let from = 0; ; from += 1000) {
      const page = await repos.items.byDataset(datasetId, { from, limit: 1000 });
      if (this.detail?.id !== datasetId) return;
      for (const it of page) {
        const key = it.label === undefined ? 'none' : String(it.label);
        counts[key] = (counts[key] ?? 0) + 1;
      }
      if (page.length < 1000) break;
    }
    this.distribution = Object.entries(counts)
      .map(([label, count]) => ({ label, count }))
      .sort(
        (a, b) => labelOrder(a.label) - labelOrder(b.label) || Number(a.label) - Number(b.label),
      );
  }
}

function labelOrder(l: string): number {
  return l === 'A' ? 0 : l === 'B' ? 1 : l === 'tie' ? 2 : l === 'none' ? 4 : 3;
}
