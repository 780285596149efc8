// Formatting of sizes, durations and rates for the UI.

// One formatter for every count: Number.prototype.toLocaleString builds a new one per call, which a
// run's progress line paid several times per judgment.
const COUNT = new Intl.NumberFormat('en');

/** A count with thousands separators ("10,000"), as `toLocaleString('en')` writes it. */
export function formatCount(n: number): string {
  return COUNT.format(n);
}

/** Binary sizes (1 GB = 1024³ bytes), as GPU limits and the catalog's MiB figures are binary. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s % 60);
  if (m < 60) return `${m} min ${rest} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatRate(tokPerS: number | null | undefined): string {
  if (tokPerS === null || tokPerS === undefined || !Number.isFinite(tokPerS)) return '—';
  // At least two significant digits: a slow software adapter's 0.054 tok/s must not read "0.1".
  const text =
    tokPerS >= 100
      ? tokPerS.toFixed(0)
      : tokPerS >= 1
        ? tokPerS.toFixed(1)
        : tokPerS > 0
          ? String(Number(tokPerS.toPrecision(2)))
          : '0';
  return `${text} tok/s`;
}

export function formatPercent(p: number | null | undefined, digits = 0): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  return `${(p * 100).toFixed(digits)}%`;
}

// One formatter for the page: toLocaleString with options builds a new one (~3 ms) per call.
let dateFormat: Intl.DateTimeFormat | undefined;

export function formatDate(ms: number): string {
  dateFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return dateFormat.format(ms);
}

/** A verdict as the review pages say it; `undefined` is an order or sample that was never run. */
export function verdictText(v: string | null | undefined): string {
  return v === undefined
    ? 'not run'
    : v === null
      ? 'no verdict'
      : v === 'tie'
        ? 'tie'
        : `${v} better`;
}
