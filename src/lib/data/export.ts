// Export of judgments as JSONL (header line + one record per line) and CSV, with all that reproduces them.
import type { Consistency } from '../judge/aggregate';
import { pairOutcome, type PairResultValue } from '../judge/outcome';
import { roundUsage, round } from './round';
import type { GenerateUsage } from '../judge/port';
import type { ItemLabel, ItemRecord, JudgmentRecord } from '../store/schema';
import { CRLF, csvRow, type CsvCell, type CsvOptions } from './csv';
import { EXAMPLES } from './examples';

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

/**
 * The overall result of the pair (or single answer) a judgment belongs to: all judgments of its
 * run for its item, combined by the judge core's pairOutcome (the one definition of a pair's result).
 */
export interface PairResult {
  /** See PairResultValue; a single answer's mean score is rounded to 4 decimals. */
  result: PairResultValue;
  /** How the orders agreed (pairwise only): consistent, flipped, partial, one-order or failed. */
  consistency: Consistency | null;
  /** The human label where one is known: a label set by hand, the item's gold label, or the bundled example's. */
  humanLabel: ItemLabel | null;
  /**
   * Whether the verdict agrees with the human label (the judge core's agreesWithLabel): null
   * without a pairwise label, for a failure (no verdict) and for single answers. A flip never agrees.
   */
  agreesWithHuman: boolean | null;
}

/** Every line after the header: the judgment record as stored, with its item and its pair's result. */
export type ExportedJudgment = JudgmentRecord & { item: ItemRecord | null; pair: PairResult };

/** An entry with its pair's result, as the CSV columns read it. */
export type ExportRow = ExportEntry & { pair: PairResult };

/** Where a human label set by hand can be found (the labels store); undefined when none. */
export type LabelLookup = (
  itemId: string,
) => Promise<ItemLabel | null | undefined> | ItemLabel | null | undefined;

/** Options of the JSONL export. */
export interface JsonlOptions extends PairOptions {
  source: string;
  /** Clock for `exportedAt` (tests). */
  now?: () => Date;
}

/** Options every export shares. */
export interface PairOptions {
  /** Human labels set by hand; they win over an item's gold label. */
  labelOf?: LabelLookup;
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

export { roundUsage };

/** The human label a bundled example pair carries (the Judge page's examples); undefined otherwise. */
export function exampleLabel(item: ItemRecord): ItemLabel | undefined {
  return EXAMPLES.find(
    (e) =>
      e.prompt === item.prompt && e.responseA === item.responseA && e.responseB === item.responseB,
  )?.label;
}

/** The overall result of one pair's judgments: one run, one item (see PairResult). */
export function pairResult(
  records: readonly JudgmentRecord[],
  humanLabel: ItemLabel | null = null,
): PairResult {
  const o = pairOutcome(records, humanLabel);
  return {
    result: typeof o.result === 'number' ? round(o.result, 4) : o.result,
    consistency: o.consistency,
    humanLabel,
    agreesWithHuman: o.correct,
  };
}

/** The human label an export shows for an item: set by hand, else the item's gold label, else the bundled example's. */
async function labelFor(
  item: ItemRecord | undefined,
  opts: PairOptions,
): Promise<ItemLabel | null> {
  if (!item) return null;
  const mine = await opts.labelOf?.(item.id);
  if (mine !== undefined && mine !== null) return mine;
  return item.label ?? exampleLabel(item) ?? null;
}

/**
 * Reads every entry, then returns each with its pair's result. A pair is one item in one run:
 * its result needs all of that item's judgments in that run, which a store walk does not yield
 * together. Exports hold the whole file in memory anyway (exportJudgmentsBlob), so this costs one
 * array of references more.
 */
async function withPairs(entries: Entries, opts: PairOptions): Promise<ExportRow[]> {
  const all: ExportEntry[] = [];
  for await (const e of entries) all.push(e);
  const pairKey = (e: ExportEntry) => JSON.stringify([e.judgment.runId, e.judgment.itemId]);
  const byPair = new Map<string, ExportEntry[]>();
  for (const e of all) {
    const key = pairKey(e);
    const list = byPair.get(key);
    if (list) list.push(e);
    else byPair.set(key, [e]);
  }
  const results = new Map<string, PairResult>();
  for (const [key, list] of byPair) {
    const label = await labelFor(list.find((e) => e.item)?.item, opts);
    results.set(
      key,
      pairResult(
        list.map((e) => e.judgment),
        label,
      ),
    );
  }
  return all.map((e) => ({ ...e, pair: results.get(pairKey(e))! }));
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
  for (const { judgment, item, pair } of await withPairs(entries, opts)) {
    const line: ExportedJudgment = {
      ...judgment,
      usage: roundUsage(judgment.usage),
      item: item ?? null,
      pair,
    };
    yield `${JSON.stringify(line)}\n`;
  }
}

/** One CSV column: its header and how to read it from an entry. */
export interface CsvColumn {
  name: string;
  get: (e: ExportRow) => CsvCell;
}

const j = (get: (j: JudgmentRecord) => CsvCell) => (e: ExportRow) => get(e.judgment);
const it = (get: (i: ItemRecord) => CsvCell) => (e: ExportRow) => (e.item ? get(e.item) : null);
const u = (get: (u: GenerateUsage) => CsvCell) => (e: ExportRow) =>
  get(roundUsage(e.judgment.usage));

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
  { name: 'pairResult', get: (e) => e.pair.result },
  { name: 'pairConsistency', get: (e) => e.pair.consistency },
  { name: 'humanLabel', get: (e) => e.pair.humanLabel },
  { name: 'agreesWithHuman', get: (e) => e.pair.agreesWithHuman },
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
  { name: 'promptTokens', get: u((x) => x.promptTokens) },
  { name: 'completionTokens', get: u((x) => x.completionTokens) },
  { name: 'prefillTokensPerS', get: u((x) => x.prefillTokensPerS) },
  { name: 'decodeTokensPerS', get: u((x) => x.decodeTokensPerS) },
  { name: 'timeToFirstTokenMs', get: u((x) => x.timeToFirstTokenMs) },
  { name: 'totalMs', get: u((x) => x.totalMs) },
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

/** Options of the CSV export. Formula guarding (CsvOptions.guardFormulas) is on unless set to false. */
export interface CsvExportOptions extends CsvOptions, PairOptions {
  /** Start with a UTF-8 byte order mark so Excel reads non-ASCII text correctly. */
  bom?: boolean;
}

/**
 * CSV (RFC 4180), one chunk per record, each ending with CRLF: a header row of CSV_COLUMNS names,
 * then one row per entry. Empty cells stand for null or absent values. Text cells that a
 * spreadsheet would run as a formula get a leading apostrophe unless `guardFormulas` is false.
 */
export async function* judgmentsToCsv(
  entries: Entries,
  opts: CsvExportOptions = {},
): AsyncGenerator<string> {
  yield `${opts.bom ? '\uFEFF' : ''}${csvRow(CSV_COLUMNS.map((c) => c.name))}${CRLF}`;
  const cells: CsvOptions = { guardFormulas: opts.guardFormulas ?? true };
  for (const e of await withPairs(entries, opts)) {
    yield `${csvRow(
      CSV_COLUMNS.map((c) => c.get(e)),
      cells,
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
