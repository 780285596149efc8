// Messages between the app and the import worker (parse a file off the main thread, then adapt it in batches).
import type { FieldMapping, FormatId, ImportedItem, RowError } from '../formats/types';

/** Keep at most this many row errors with details; the rest are only counted. */
export const MAX_KEPT_ERRORS = 5000;

/** Only rows whose `meta[key]` (or top-level key) starts with `prefix` (bundled subsets). */
export interface RowFilter {
  key: string;
  prefix: string;
}

export type ToWorker =
  | { type: 'parse'; file: Blob; name: string }
  | {
      type: 'adapt';
      format: FormatId;
      mapping: FieldMapping;
      seed?: string;
      filter?: RowFilter;
      /** Items per batch (default 1000; fewer when items are large). */
      batchSize?: number;
    }
  /** The app has stored the last batch: send the next one (back-pressure keeps memory flat). */
  | { type: 'next' };

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
  | { type: 'batch'; items: ImportedItem[]; errors: RowError[]; done: number; total: number }
  | { type: 'adapted'; items: number; errorCount: number };
