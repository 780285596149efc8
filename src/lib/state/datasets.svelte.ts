// Datasets as state: the list, the import in progress, bundled sets, the dataset being viewed; the work is in data/.
import { BUNDLED_SETS, type BundledSet } from '../data/bundled';
import type { PublishedAccuracy } from '../data/accuracy';
import {
  DatasetReader,
  type DatasetDetailView,
  type LabelDistribution,
} from '../data/dataset-reader';
import {
  fetchBundledFile,
  fetchBundledNotice,
  fetchPublishedAccuracies,
  type Fetcher,
} from '../data/import/bundled-files';
import { createImportWorker, type ImportWorker } from '../data/import/client';
import type { ParseProgress } from '../data/import/protocol';
import {
  deleteDataset,
  importErrorsCsv,
  ImportSession,
  mappingProblem,
  withMapping,
  type ImportPhase,
  type ImportRowError,
  type ImportView,
} from '../data/import/session';
import type { FieldMapping, FormatId, TargetField } from '../data/formats/types';
import type { DatasetRecord, ItemRecord } from '../store';
import type { StorageState } from './storage.svelte';
import { downloadBlob } from '../ui/download';

export type { ImportPhase, ImportRowError, LabelDistribution };

export class DatasetsState implements ImportView, DatasetDetailView {
  list = $state.raw<DatasetRecord[]>([]);
  listError = $state<unknown>(null);
  loading = $state(false);

  // The import in progress (one at a time), written by the import session.
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

  // The dataset being viewed, written by the reader.
  detail = $state.raw<DatasetRecord | null>(null);
  detailMissing = $state(false);
  detailError = $state<unknown>(null);
  /** Items read so far, by chunk; the list is virtualised over itemCount rows. */
  chunks = $state.raw<Record<number, ItemRecord[]>>({});
  distribution = $state.raw<LabelDistribution | null>(null);

  accuracies = $state.raw<PublishedAccuracy[] | null>(null);
  accuraciesError = $state<string | null>(null);

  readonly bundled = BUNDLED_SETS;

  private readonly session: ImportSession;
  private readonly reader: DatasetReader;

  constructor(
    private readonly storage: StorageState,
    private readonly workerFactory: () => ImportWorker = createImportWorker,
    private readonly fetcher: Fetcher = (url) => fetch(url),
  ) {
    this.session = new ImportSession(this, storage, workerFactory, () => this.refresh());
    this.reader = new DatasetReader(this, storage);
  }

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
    this.session.begin(file, file.name, file.name);
  }

  /**
   * Arena-Hard model answers: the questions file and one answers file per model (named after the
   * model, as arena-hard-auto writes them), paired against the baseline's answers.
   */
  chooseArena(questions: File, answers: File[], baseline: string | null): void {
    const model = (f: File) => f.name.replace(/\.(jsonl|json)$/i, '');
    this.session.begin(questions, questions.name, `arena-hard:${questions.name}`, {
      name: baseline === null ? 'Model answers' : `Arena-Hard vs ${baseline}`,
      message: {
        type: 'arena',
        questions,
        answers: answers.map((f) => ({ model: model(f), file: f })),
        baseline,
      },
    });
  }

  /** Changes the format; the mapping resets to what detection proposed when it was that format. */
  setFormat(format: FormatId): void {
    this.format = format;
    if (this.detected?.format === format) this.mapping = { ...this.detected.mapping };
  }

  setMapping(field: TargetField, key: string): void {
    this.mapping = withMapping(this.mapping, field, key);
  }

  /** What is missing before this mapping can import anything (empty when it can). */
  get mappingProblem(): string {
    return mappingProblem(this.format, this.mapping);
  }

  /** Stores the parsed file as a dataset with the current format and mapping. */
  startImport(): Promise<void> {
    return this.session.startImport();
  }

  /** Stops the import: nothing of it stays stored. */
  cancel(): Promise<void> {
    return this.session.cancel();
  }

  /** Back to the file picker. */
  reset(): void {
    this.session.reset();
  }

  /** The error list as CSV (line, stage, id, reason, raw); formula-looking cells are guarded. */
  errorsCsv(): string {
    return importErrorsCsv(this.errors);
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
      const blob = await fetchBundledFile(this.fetcher, set);
      this.session.begin(blob, set.file, `bundled:${set.id}`, {
        autoImport: true,
        name: set.name,
        promptsOnly: set.promptsOnly ?? false,
        ...(set.filter ? { filter: set.filter } : {}),
      });
    } catch (e) {
      this.phase = 'failed';
      this.fatal = `The bundled set ${set.name} is not available in this build (${reason(e)}).`;
    } finally {
      this.bundledBusy = null;
    }
  }

  /** The README (source, license, notice) of a bundled set, as plain text. */
  bundledNotice(set: BundledSet): Promise<string> {
    return fetchBundledNotice(this.fetcher, set);
  }

  /** LLMBar's published accuracies: Natural, and Adversarial as the mean of its four subsets. */
  async loadAccuracies(): Promise<void> {
    if (this.accuracies) return;
    try {
      this.accuracies = await fetchPublishedAccuracies(this.fetcher);
      this.accuraciesError = null;
    } catch (e) {
      this.accuraciesError = `Published accuracies are not available (${reason(e)}).`;
    }
  }

  /** Deletes a dataset with its items, labels, runs and judgments (in a worker). */
  async remove(id: string): Promise<void> {
    this.deleting = id;
    try {
      await deleteDataset(this.workerFactory, this.storage.dbName, id);
      this.listError = null;
      this.reader.forget(id);
      await this.refresh();
    } catch (e) {
      this.listError = e;
    } finally {
      this.deleting = null;
    }
  }

  /** Opens a dataset: its record, the first items and (in the background) its label counts. */
  open(id: string): Promise<void> {
    return this.reader.open(id);
  }

  /** The item at dataset index `i` once read; undefined while it is being read. */
  itemAt(i: number): ItemRecord | undefined {
    return this.reader.itemAt(i);
  }

  /** Whether the chunk holding index `i` was read (so a missing item there does not exist). */
  isRead(i: number): boolean {
    return this.reader.isRead(i);
  }

  /** The item list shows indexes [from, to): reads the chunks around them, keeps memory bounded. */
  showItems(from: number, to: number): Promise<void> {
    return this.reader.showItems(from, to);
  }
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
