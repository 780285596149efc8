// Turns web-llm's free-text init progress reports into LoadProgress phases with bytes, elapsed time and ETA.
import type { LoadPhase, LoadProgress } from './types';

/** web-llm's InitProgressReport, restated so this module needs no web-llm import. */
export interface InitReport {
  progress: number;
  timeElapsed: number;
  text: string;
}

export interface ParsedProgressText {
  phase: LoadPhase;
  /** [done, total] shards or shader modules, when the text says. */
  step: [number, number] | null;
  /** Bytes done, from the "NMB fetched/loaded" part (web-llm rounds MB up). */
  loadedBytes: number | null;
  /** Percent from the text, 0..1. */
  fraction: number | null;
}

const MiB = 1024 * 1024;

/**
 * Read one web-llm progress text. The texts come from @mlc-ai/web-llm 0.2.86:
 * "Start to fetch params", "Fetching param cache[i/n]: NMB fetched. P% completed, S secs elapsed. …",
 * "Loading model from cache[i/n]: NMB loaded. P% completed, …", "Loading GPU shader modules[i/n]: P% completed, …",
 * "Finish loading on WebGPU - …". Anything else is reported as still checking.
 */
export function parseProgressText(text: string): ParsedProgressText {
  const step = /\[(\d+)\/(\d+)\]/.exec(text);
  const mb = /(\d+(?:\.\d+)?)MB (?:fetched|loaded)/.exec(text);
  const pct = /(\d+(?:\.\d+)?)% completed/.exec(text);
  const base = {
    step: step ? ([Number(step[1]), Number(step[2])] as [number, number]) : null,
    loadedBytes: mb ? Math.round(Number(mb[1]) * MiB) : null,
    fraction: pct ? Math.min(1, Number(pct[1]) / 100) : null,
  };
  if (/^Fetching param cache/.test(text) || /^Start to fetch params/.test(text))
    return { phase: 'downloading', ...base };
  if (/^Loading model from cache/.test(text)) return { phase: 'loading-from-cache', ...base };
  if (/^Loading GPU shader modules/.test(text)) return { phase: 'compiling', ...base };
  if (/^Finish loading/.test(text)) return { phase: 'ready', ...base, fraction: 1 };
  return { phase: 'checking', ...base };
}

/**
 * Keeps the clock for one load: elapsed since the load began, and an ETA from the rate within the
 * current phase (the fraction restarts at 0 when the phase changes, so one rate per phase).
 */
export class ProgressTracker {
  private readonly startedAt: number;
  private phase: LoadPhase = 'checking';
  private phaseStartedAt: number;
  private phaseStartFraction = 0;
  private exactTotal: number | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.startedAt = now();
    this.phaseStartedAt = this.startedAt;
  }

  /** The first report, before web-llm says anything: config, library and tokenizer are being fetched. */
  start(text = 'Fetching the model configuration and library'): LoadProgress {
    return {
      phase: 'checking',
      fraction: null,
      loadedBytes: null,
      totalBytes: null,
      elapsedMs: 0,
      phaseStartedMs: 0,
      etaMs: null,
      text,
    };
  }

  /**
   * The weights' exact size (the sum of the model manifest's shard sizes). From then on the total
   * is this, not rebuilt from web-llm's rounded MB at each report (it drifted 297 → 296 → 295 MB).
   */
  setExactTotal(bytes: number): void {
    if (bytes > 0) this.exactTotal = bytes;
  }

  get hasExactTotal(): boolean {
    return this.exactTotal !== null;
  }

  update(report: InitReport): LoadProgress {
    const t = this.now();
    const parsed = parseProgressText(report.text);
    // web-llm's `progress` is the exact byte fraction; the text's percent is floored. Prefer the number.
    const fraction =
      parsed.phase === 'ready'
        ? 1
        : Number.isFinite(report.progress) && parsed.phase !== 'checking'
          ? clamp01(report.progress)
          : parsed.fraction;
    if (parsed.phase !== this.phase) {
      this.phase = parsed.phase;
      this.phaseStartedAt = t;
      this.phaseStartFraction = fraction ?? 0;
    }
    const bytePhase = parsed.phase === 'downloading' || parsed.phase === 'loading-from-cache';
    const exact = bytePhase ? this.exactTotal : null;
    const totalBytes =
      exact ??
      (parsed.loadedBytes !== null && fraction !== null && fraction > 0
        ? Math.round(parsed.loadedBytes / fraction)
        : null);
    // web-llm's fraction is exact in bytes; with the exact total it gives the exact bytes done.
    const loadedBytes =
      exact !== null && fraction !== null ? Math.round(exact * fraction) : parsed.loadedBytes;
    return {
      phase: parsed.phase,
      fraction,
      loadedBytes,
      totalBytes,
      elapsedMs: Math.round(t - this.startedAt),
      phaseStartedMs: Math.round(this.phaseStartedAt - this.startedAt),
      etaMs: this.eta(t, fraction),
      text: report.text,
    };
  }

  private eta(t: number, fraction: number | null): number | null {
    if (fraction === null || this.phase === 'ready' || this.phase === 'checking')
      return this.phase === 'ready' ? 0 : null;
    const done = fraction - this.phaseStartFraction;
    const spent = t - this.phaseStartedAt;
    // Too little progress or time to extrapolate honestly.
    if (done <= 0.01 || spent < 500) return null;
    return Math.round((spent / done) * (1 - fraction));
  }
}

function clamp01(x: number): number {
  return Math.max(0, Math.min(1, x));
}
