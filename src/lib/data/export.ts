// Export of judgments as JSONL (header line + one record per line) and CSV, with all that reproduces them.
import type { ItemRecord, JudgmentRecord } from '../store/schema';
import { CRLF, csvRow, type CsvCell, type CsvOptions } from './csv';

/** The `type` of the header line; importers check it before anything else. */
export const EXPORT_TYPE = 'arbiter-judgments';
/** Version of the export format; bump it when a line's shape changes incompatibly. */
export const EXPORT_VERSION = 1;

/** First line of a JSONL export (excalidraw's `{type, version, source}`). */
export interface ExportHeader {
  type: typeof EXPORT_TYPE;
  version: typeof EXPORT_VERSION;
  /** Who wrote it, e.g. the app's URL or "arbiter-cli". */
  source: string;
  /** ISO 8601 time of the export. */
  exportedAt: string;
}

/** A judgment and the item it judged (undefined when the item no longer exists). */
export interface ExportEntry {
  judgment: JudgmentRecord;
  item: ItemRecord | undefined;
}

/** Every line after the header: the judgment record as stored, with its item's content. */
export type ExportedJudgment = JudgmentRecord & { item: ItemRecord | null };

/** Options of the JSONL export. */
export interface JsonlOptions {
  source: string;
  /** Clock for `exportedAt` (tests). */
  now?: () => Date;
}

/** What any export accepts: an array, a generator, or JudgmentStore.allWithItems(). */
export type Entries = Iterable<ExportEntry> | AsyncIterable<ExportEntry>;

/** The header object of a JSONL export. */
export function exportHeader(opts: JsonlOptions): ExportHeader {
  return {
    type: EXPORT_TYPE,
    version: EXPORT_VERSION,
    source: opts.source,
    exportedAt: (opts.now?.() ?? new Date()).toISOString(),
  };
}

/**
 * JSONL, one chunk per line (each ends with "\n"): the header, then one ExportedJudgment per
 * entry. JSON escapes newlines inside strings, so a line break always ends a record.
 */
export async function* judgmentsToJsonl(
  entries: Entries,
  opts: JsonlOptions,
): AsyncGenerator<string> {
  yield `${JSON.stringify(exportHeader(opts))}\n`;
  for await (const { judgment, item } of entries) {
    const line: ExportedJudgment = { ...judgment, item: item ?? null };
    yield `${JSON.stringify(line)}\n`;
  }
}

/** One CSV column: its header and how to read it from an entry. */
export interface CsvColumn {
  name: string;
  get: (e: ExportEntry) => CsvCell;
}

const j = (get: (j: JudgmentRecord) => CsvCell) => (e: ExportEntry) => get(e.judgment);
const it = (get: (i: ItemRecord) => CsvCell) => (e: ExportEntry) => (e.item ? get(e.item) : null);

/** The CSV columns, in order. Long texts come last so a spreadsheet stays readable. */
export const CSV_COLUMNS: readonly CsvColumn[] = [
  { name: 'id', get: j((x) => x.id) },
  { name: 'runId', get: j((x) => x.runId) },
  { name: 'itemId', get: j((x) => x.itemId) },
  { name: 'datasetId', get: it((x) => x.datasetId) },
  { name: 'itemIndex', get: it((x) => x.index) },
  { name: 'createdAt', get: j((x) => new Date(x.createdAt).toISOString()) },
  { name: 'protocol', get: j((x) => x.protocol) },
  { name: 'templateId', get: j((x) => x.templateId) },
  { name: 'templateVersion', get: j((x) => x.templateVersion) },
  { name: 'engine', get: j((x) => x.engine) },
  { name: 'modelId', get: j((x) => x.modelId) },
  { name: 'temperature', get: j((x) => x.params.temperature) },
  { name: 'seed', get: j((x) => x.params.seed) },
  { name: 'max_tokens', get: j((x) => x.params.max_tokens) },
  { name: 'samples', get: j((x) => x.params.samples) },
  { name: 'bothOrders', get: j((x) => x.params.bothOrders) },
  { name: 'constrained', get: j((x) => x.params.constrained) },
  { name: 'allowTie', get: j((x) => x.params.allowTie) },
  { name: 'top_logprobs', get: j((x) => x.params.top_logprobs) },
  { name: 'enable_thinking', get: j((x) => x.params.enable_thinking) },
  { name: 'order', get: j((x) => x.order) },
  { name: 'sample', get: j((x) => x.sample) },
  { name: 'verdict', get: j((x) => x.verdict) },
  { name: 'rawVerdict', get: j((x) => x.rawVerdict) },
  { name: 'score', get: j((x) => x.score) },
  { name: 'strength', get: j((x) => x.strength) },
  { name: 'probA', get: j((x) => x.probabilities?.A) },
  { name: 'probB', get: j((x) => x.probabilities?.B) },
  { name: 'probTie', get: j((x) => x.probabilities?.tie) },
  { name: 'parse', get: j((x) => x.parse) },
  { name: 'parseStart', get: j((x) => x.parseSpan?.[0]) },
  { name: 'parseEnd', get: j((x) => x.parseSpan?.[1]) },
  { name: 'finishReason', get: j((x) => x.finishReason) },
  { name: 'promptTokens', get: j((x) => x.usage.promptTokens) },
  { name: 'completionTokens', get: j((x) => x.usage.completionTokens) },
  { name: 'prefillTokensPerS', get: j((x) => x.usage.prefillTokensPerS) },
  { name: 'decodeTokensPerS', get: j((x) => x.usage.decodeTokensPerS) },
  { name: 'timeToFirstTokenMs', get: j((x) => x.usage.timeToFirstTokenMs) },
  { name: 'totalMs', get: j((x) => x.usage.totalMs) },
  { name: 'key', get: j((x) => x.key) },
  { name: 'label', get: it((x) => x.label) },
  { name: 'modelA', get: it((x) => x.modelA) },
  { name: 'modelB', get: it((x) => x.modelB) },
  { name: 'category', get: it((x) => x.category) },
  { name: 'prompt', get: it((x) => x.prompt) },
  { name: 'responseA', get: it((x) => x.responseA) },
  { name: 'responseB', get: it((x) => x.responseB) },
  { name: 'reference', get: it((x) => x.reference) },
  { name: 'rubric', get: it((x) => x.rubric) },
  { name: 'text', get: j((x) => x.text) },
];

/** Options of the CSV export. */
export interface CsvExportOptions extends CsvOptions {
  /** Start with a UTF-8 byte order mark so Excel reads non-ASCII text correctly. */
  bom?: boolean;
}

/**
 * CSV (RFC 4180), one chunk per record, each ending with CRLF: a header row of CSV_COLUMNS names,
 * then one row per entry. Empty cells stand for null or absent values.
 */
export async function* judgmentsToCsv(
  entries: Entries,
  opts: CsvExportOptions = {},
): AsyncGenerator<string> {
  yield `${opts.bom ? '\uFEFF' : ''}${csvRow(CSV_COLUMNS.map((c) => c.name))}${CRLF}`;
  for await (const e of entries) {
    yield `${csvRow(
      CSV_COLUMNS.map((c) => c.get(e)),
      opts,
    )}${CRLF}`;
  }
}

/** A file-sized export as a Blob, ready for a download link. Collects the chunks in memory. */
export async function exportJudgmentsBlob(
  entries: Entries,
  format: 'jsonl' | 'csv',
  opts: JsonlOptions & CsvExportOptions,
): Promise<Blob> {
  const chunks: string[] = [];
  const gen = format === 'jsonl' ? judgmentsToJsonl(entries, opts) : judgmentsToCsv(entries, opts);
  for await (const chunk of gen) chunks.push(chunk);
  const type = format === 'jsonl' ? 'application/x-ndjson' : 'text/csv;charset=utf-8';
  return new Blob(chunks, { type });
}

/** A file name like "arbiter-judgments-2026-11-05T10-30-00.jsonl". */
export function exportFileName(format: 'jsonl' | 'csv', now = new Date()): string {
  return `${EXPORT_TYPE}-${now.toISOString().slice(0, 19).replace(/:/g, '-')}.${format}`;
}
