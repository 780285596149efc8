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

/** After this many unclosed quotes the rest of the file is left as one bad row (each one re-reads the rest). */
const MAX_QUOTE_RESTARTS = 100;

/**
 * Parses CSV/TSV text with a header row. Rows become plain objects keyed by the header (own
 * properties only, so a "__proto__" column is just a column). Ragged rows are reported with their
 * line number. A quote that is never closed would swallow the rest of the file into one cell: that
 * row is reported with its line, and reading starts again on the line after it.
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
  let delimiter = opts.delimiter ?? '';
  let restarts = 0;
  /** Where the text read next starts, and its line number. */
  let offset = 0;
  let line = 1;
  while (offset < body.length) {
    const part = offset === 0 ? body : body.slice(offset);
    let lastCursor = 0;
    let restartAt = -1;
    Papa.parse<string[]>(part, {
      header: false,
      delimiter,
      delimitersToGuess: [',', '\t', ';', '|'],
      skipEmptyLines: 'greedy',
      step(result, parser) {
        const cursor = result.meta.cursor;
        // The record starts at the first non-blank character after the previous one; its line is
        // 1 + the newlines before that (papaparse itself reports no line numbers).
        let p = lastCursor;
        while (p < cursor && isSpace(part.charCodeAt(p))) {
          if (part.charCodeAt(p) === 10) line++;
          p++;
        }
        const at = line;
        for (let i = part.indexOf('\n', p); i >= 0 && i < cursor; i = part.indexOf('\n', i + 1))
          line++;
        lastCursor = cursor;
        delimiter = result.meta.delimiter;
        const cells = result.data;
        const fatal = result.errors.find(
          (e) => e.code === 'MissingQuotes' || e.code === 'InvalidQuotes',
        );
        const nl = part.indexOf('\n', p);
        // A bad quote whose record runs past its first line has swallowed the lines after it.
        if (fatal && at < line && restarts < MAX_QUOTE_RESTARTS) {
          emit(
            {
              line: at,
              reason: `a quote opened on line ${at} is never closed, so this row was skipped; reading went on from line ${at + 1}`,
              raw: clip(part.slice(p, nl < 0 ? undefined : nl), 300),
            },
            offset + cursor,
          );
          if (nl >= 0) {
            restarts++;
            restartAt = offset + nl + 1;
            line = at + 1;
          }
          parser.abort();
          return;
        }
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
            offset + cursor,
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
            offset + cursor,
          );
          return;
        }
        const h = header;
        emit(
          { line: at, value: Object.fromEntries(cells.map((c, i) => [h[i]!, c])) },
          offset + cursor,
        );
      },
    });
    if (restartAt < 0) break;
    offset = restartAt;
  }
  return { rows, errors, delimiter: delimiter || ',' };
}

function isSpace(c: number): boolean {
  return c === 10 || c === 13 || c === 32 || c === 9;
}
