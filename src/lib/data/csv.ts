// A small RFC 4180 CSV writer: quotes a field only when it must, doubles quotes, CRLF between records.

/** A value one CSV cell can hold. null and undefined become an empty cell. */
export type CsvCell = string | number | boolean | null | undefined;

/** How cells are written. */
export interface CsvOptions {
  /**
   * Prefix text cells that start with = + - @ TAB, CR or LF with an apostrophe, so spreadsheet
   * apps do not run model output as a formula (CSV injection: `=HYPERLINK(…)` can send data to
   * a host when clicked, DDE formulas can run commands). On by default: the cost is an
   * apostrophe on texts that begin so, the risk it removes is running untrusted text. Set false
   * for an exact copy (JSONL is always exact).
   */
  guardFormulas?: boolean;
}

/** The record separator RFC 4180 prescribes. */
export const CRLF = '\r\n';

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r\n]/;

/** One cell: quoted (with inner quotes doubled) when it holds a comma, quote, CR or LF. */
export function csvField(value: CsvCell, opts: CsvOptions = {}): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = (opts.guardFormulas ?? true) && FORMULA_START.test(value) ? `'${value}` : value;
  // Leading or trailing whitespace is quoted too, so readers that trim unquoted cells keep it.
  return NEEDS_QUOTES.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record without its terminator. */
export function csvRow(cells: readonly CsvCell[], opts: CsvOptions = {}): string {
  return cells.map((c) => csvField(c, opts)).join(',');
}
