// Messages between the app and the import worker (parse a file off the main thread, then adapt it in batches).
import type { FieldMapping, FormatId, RowError } from '../formats/types';

/** Keep at most this many row errors with details; the rest are only counted. */
export const MAX_KEPT_ERRORS = 5000;

/** Only rows whose `meta[key]` (or top-level key) starts with `prefix` (bundled subsets). */
export interface RowFilter {
  key: string;
  prefix: string;
}

export type ToWorker =
  | { type: 'parse'; file: Blob; name: string }
  /**
   * Arena-Hard / MT-Bench: a questions file and one answers file per model, paired against
   * `baseline`, or with no baseline each answer alone (MT-Bench's single grading).
   */
  | {
      type: 'arena';
      questions: Blob;
      answers: { model: string; file: Blob }[];
      baseline: string | null;
    }
  | {
      type: 'adapt';
      format: FormatId;
      mapping: FieldMapping;
      seed?: string;
      filter?: RowFilter;
      /** Items per store transaction (default 500; fewer when items are large). */
      batchSize?: number;
      /** Where the worker writes the items (the app writes the dataset record once all are in). */
      target: { dbName: string; datasetId: string };
    }
  /** Stop adapting, delete what this import stored, then answer 'cancelled'. */
  | { type: 'cancel' }
  /** Delete a dataset with everything hanging off it (off the main thread: it may be 200k items). */
  | { type: 'delete'; target: { dbName: string; datasetId: string } };

/** A storage error as it crosses from the worker: enough to show it like a StoreError. */
export interface WireError {
  name: string;
  message: string;
  hint: string;
}

export interface ParseProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
  errors: number;
}

export type FromWorker =
  | { type: 'progress'; phase: 'reading' | 'adapting'; progress: ParseProgress }
  /** The first rows, as soon as they are parsed: enough to detect the format and preview. */
  | {
      type: 'sample';
      kind: 'jsonl' | 'json' | 'csv' | 'tsv';
      rows: unknown[];
      keys: string[];
      detected: { format: FormatId; mapping: FieldMapping };
      notes: string[];
    }
  | {
      type: 'parsed';
      rows: number;
      errors: RowError[];
      errorCount: number;
      totalBytes: number;
      notes: string[];
    }
  /** The file cannot be read at all (empty, binary, not text…): nothing to import. */
  | { type: 'fatal'; message: string }
  /** Progress of storing: rows looked at, items stored, and the row errors found since the last one. */
  | { type: 'stored'; errors: RowError[]; done: number; total: number; items: number }
  | { type: 'adapted'; items: number; errorCount: number }
  /** Storing failed (e.g. quota); whatever this import had written was deleted again. */
  | { type: 'store-failed'; error: WireError; cleaned: boolean }
  | { type: 'cancelled'; cleaned: boolean }
  | { type: 'deleted' };
