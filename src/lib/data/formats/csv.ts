// CSV/TSV text into rows with line numbers, via papaparse; pure, used by the import worker and the CLI.
import Papa from 'papaparse';
import { clip } from './labels';
import type { RowError, SourceRow } from './types';

/** Options of parseCsvText. */
export interface CsvParseOptions {
  /** Force a delimiter (e.g. "\t" for .tsv); guessed among , ; TAB | otherwise. */
  delimiter?: string;
  /** Called for every row or error as it is parsed (the worker streams these); rows are not collected then. */
  onRow?: (r: SourceRow | RowError, charsDone: number) => void;
}

/**
 * Parses CSV/TSV text with a header row. Rows become plain objects keyed by the header (own
 * properties only, so a "__proto__" column is just a column). Ragged rows and unclosed quotes
 * are reported with their line number; they never stop the rest.
 */
export function parseCsvText(
  text: string,
  opts: CsvParseOptions = {},
): { rows: SourceRow[]; errors: RowError[]; delimiter: string } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: SourceRow[] = [];
  const errors: RowError[] = [];
  const emit =
    opts.onRow ??
    ((r: SourceRow | RowError) => {
      if ('reason' in r) errors.push(r);
      else rows.push(r);
    });
  let header: string[] | null = null;
  let lastCursor = 0;
  let line = 1;
  let delimiter = opts.delimiter ?? ',';
  Papa.parse<string[]>(body, {
    header: false,
    delimiter: opts.delimiter ?? '',
    delimitersToGuess: [',', '\t', ';', '|'],
    skipEmptyLines: 'greedy',
    step(result) {
      const cursor = result.meta.cursor;
      // The record starts at the first non-blank character after the previous one; its line is
      // 1 + the newlines before that (papaparse itself reports no line numbers).
      let p = lastCursor;
      while (p < cursor && isSpace(body.charCodeAt(p))) {
        if (body.charCodeAt(p) === 10) line++;
        p++;
      }
      const at = line;
      for (let i = body.indexOf('\n', p); i >= 0 && i < cursor; i = body.indexOf('\n', i + 1))
        line++;
      lastCursor = cursor;
      delimiter = result.meta.delimiter;
      const cells = result.data;
      const fatal = result.errors.find(
        (e) => e.code === 'MissingQuotes' || e.code === 'InvalidQuotes',
      );
      if (!header) {
        header = cells.map((h, i) => h.trim() || `column_${i + 1}`);
        return;
      }
      if (fatal) {
        emit(
          {
            line: at,
            reason: `${fatal.message} — a quote is not closed, so the rest of the row is unreliable`,
            raw: clip(cells.join(delimiter), 300),
          },
          cursor,
        );
        return;
      }
      if (cells.length !== header.length) {
        emit(
          {
            line: at,
            reason: `row has ${cells.length} cells but the header has ${header.length}`,
            raw: clip(cells.join(delimiter), 300),
          },
          cursor,
        );
        return;
      }
      const h = header;
      emit({ line: at, value: Object.fromEntries(cells.map((c, i) => [h[i]!, c])) }, cursor);
    },
  });
  return { rows, errors, delimiter };
}

function isSpace(c: number): boolean {
  return c === 10 || c === 13 || c === 32 || c === 9;
}
