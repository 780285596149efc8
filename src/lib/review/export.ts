// Review export: one row per judged item with the judge's verdict, the dataset label and your label and note.
import { CRLF, csvRow, type CsvCell } from '../data/csv';
import type { RunRecord } from '../store/schema';
import type { ReviewRow } from './rows';

export const REVIEW_EXPORT_TYPE = 'arbiter-review';
export const REVIEW_EXPORT_VERSION = 1;

/** One exported item. Your label and note are kept apart from the judge's verdict, never merged. */
export interface ReviewExportLine {
  itemId: string;
  index: number | null;
  subset: string | null;
  modelA: string | null;
  modelB: string | null;
  datasetLabel: string | null;
  verdict: string | null;
  verdictAB: string | null;
  verdictBA: string | null;
  consistency: string | null;
  confidence: number | null;
  judgments: string[];
  humanLabel: string | number | null;
  humanNote: string;
  humanUpdatedAt: string | null;
}

export function exportLine(r: ReviewRow): ReviewExportLine {
  return {
    itemId: r.itemId,
    index: r.item?.index ?? null,
    subset: r.subset,
    modelA: r.item?.modelA ?? null,
    modelB: r.item?.modelB ?? null,
    datasetLabel: r.item?.label === undefined ? null : String(r.item.label),
    verdict: r.verdict,
    verdictAB: r.verdictAB ?? null,
    verdictBA: r.verdictBA ?? null,
    consistency: r.consistency,
    confidence: r.confidence,
    judgments: r.judgments.map((j) => j.id),
    humanLabel: r.human?.label ?? null,
    humanNote: r.human?.note ?? '',
    humanUpdatedAt: r.human ? new Date(r.human.updatedAt).toISOString() : null,
  };
}

/** JSONL: a `{type, version, source, run}` header, then one line per item. */
export function reviewJsonl(
  run: RunRecord | undefined,
  rows: readonly ReviewRow[],
  source: string,
  now = new Date(),
): string {
  const header = {
    type: REVIEW_EXPORT_TYPE,
    version: REVIEW_EXPORT_VERSION,
    source,
    exportedAt: now.toISOString(),
    run: run ? { id: run.id, name: run.name ?? null, config: run.config } : null,
  };
  return [header, ...rows.map(exportLine)].map((x) => JSON.stringify(x)).join('\n') + '\n';
}

const COLUMNS: (keyof ReviewExportLine)[] = [
  'itemId',
  'index',
  'subset',
  'modelA',
  'modelB',
  'datasetLabel',
  'verdict',
  'verdictAB',
  'verdictBA',
  'consistency',
  'confidence',
  'humanLabel',
  'humanNote',
  'humanUpdatedAt',
];

/** CSV with formula guarding (notes and ids are user text). */
export function reviewCsv(rows: readonly ReviewRow[]): string {
  const lines = [csvRow(COLUMNS)];
  for (const r of rows) {
    const l = exportLine(r);
    lines.push(
      csvRow(
        COLUMNS.map((c) => l[c] as CsvCell),
        { guardFormulas: true },
      ),
    );
  }
  return lines.join(CRLF) + CRLF;
}

/** The review as a file for the browser to save: CSV (with a BOM, for spreadsheets) or JSONL. */
export function reviewFile(
  stem: string,
  format: 'jsonl' | 'csv',
  run: RunRecord | undefined,
  rows: readonly ReviewRow[],
  source: string,
): { name: string; blob: Blob } {
  if (format === 'csv')
    return {
      name: `${stem}.csv`,
      blob: new Blob(['\ufeff', reviewCsv(rows)], { type: 'text/csv' }),
    };
  return {
    name: `${stem}.jsonl`,
    blob: new Blob([reviewJsonl(run, rows, source)], { type: 'application/x-ndjson' }),
  };
}
