// A stored run's results as a downloadable file, in each of the export formats the Run page offers.
import type { ItemRecord, Repositories, RunRecord } from '../store';
import { exportJudgmentsBlob } from './export';
import {
  alpacaEvalAnnotations,
  arenaHardJudgmentsJsonl,
  fastchatJudgmentsJsonl,
  itemResults,
  itemResultsCsv,
  itemResultsJsonl,
} from './interop';

/** The formats of one run's results; 'workspace' is Arbiter's own file (run/workspace-file.ts). */
export type RunExportFormat =
  | 'items-csv'
  | 'items-jsonl'
  | 'judgments-csv'
  | 'judgments-jsonl'
  | 'alpaca-eval'
  | 'fastchat'
  | 'arena-hard'
  | 'workspace';

/** A file to download. */
export interface ExportFile {
  blob: Blob;
  name: string;
}

/** A file-name timestamp: ISO to the second, with ':' (not allowed on Windows) as '-'. */
export function fileStamp(now = new Date()): string {
  return now.toISOString().slice(0, 19).replace(/:/g, '-');
}

/** The stem every export of `run` starts with. */
export function runFileBase(run: RunRecord, now = new Date()): string {
  return `arbiter-run-${run.id.slice(0, 8)}-${fileStamp(now)}`;
}

const text = (chunks: Iterable<string>, type: string) => new Blob([...chunks], { type });

/**
 * The results of `run` over `items` (its subset) in `format`. `source` names where the file
 * comes from (the app's address), as every Arbiter export records it.
 */
export async function runExportFile(
  repos: Repositories,
  run: RunRecord,
  items: ItemRecord[],
  format: Exclude<RunExportFormat, 'workspace'>,
  source: string,
  now = new Date(),
): Promise<ExportFile> {
  const base = runFileBase(run, now);
  const judgments = async () => {
    const out = [];
    for await (const j of repos.judgments.all({ runId: run.id })) out.push(j);
    return out;
  };
  switch (format) {
    case 'items-csv':
    case 'items-jsonl': {
      const rows = itemResults(items, await judgments(), run.failures ?? []);
      const csv = format === 'items-csv';
      return {
        blob: csv
          ? text(itemResultsCsv(rows, { bom: true }), 'text/csv;charset=utf-8')
          : text(itemResultsJsonl(run, rows, source), 'application/x-ndjson'),
        name: `${base}-items.${csv ? 'csv' : 'jsonl'}`,
      };
    }
    case 'judgments-csv':
    case 'judgments-jsonl': {
      const fmt = format === 'judgments-csv' ? 'csv' : 'jsonl';
      const blob = await exportJudgmentsBlob(repos.judgments.allWithItems({ runId: run.id }), fmt, {
        source,
        bom: fmt === 'csv',
        // Labels set by hand, as History's export reads them.
        labelOf: async (itemId) => (await repos.labels.get(itemId))?.label,
      });
      return { blob, name: `${base}-judgments.${fmt}` };
    }
    case 'alpaca-eval':
      return {
        blob: new Blob(
          [JSON.stringify(alpacaEvalAnnotations(run, items, await judgments()), null, 2)],
          { type: 'application/json' },
        ),
        name: `${base}-alpaca_eval-annotations.json`,
      };
    case 'fastchat':
      return {
        blob: text(fastchatJudgmentsJsonl(run, items, await judgments()), 'application/x-ndjson'),
        name: `${base}-fastchat-judgment.jsonl`,
      };
    case 'arena-hard':
      return {
        blob: text(arenaHardJudgmentsJsonl(run, items, await judgments()), 'application/x-ndjson'),
        name: `${base}-arena-hard-judgment.jsonl`,
      };
  }
}

/** The bad lines of an import as a JSONL file. */
export function rowErrorsFile(errors: readonly unknown[], now = new Date()): ExportFile {
  return {
    blob: new Blob(
      errors.map((e) => `${JSON.stringify(e)}\n`),
      { type: 'application/x-ndjson' },
    ),
    name: `arbiter-import-errors-${fileStamp(now)}.jsonl`,
  };
}
