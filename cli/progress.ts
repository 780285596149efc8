// Progress on stderr: a redrawn bar with rate and ETA on a terminal, a plain line per 10% otherwise.
import type { EndpointView } from '../src/lib/run/endpoints';
import type { Io } from './io';

/** What the line shows of the pool's adaptive concurrency. */
export interface ConcurrencyView {
  readonly limit: number;
  readonly max: number;
}

/** One endpoint in the progress line: throughput, in flight of its limit, and its health. */
export function endpointStatus(v: EndpointView, elapsedMs: number, now: number): string {
  const rate = (v.done * 1000) / Math.max(1, elapsedMs);
  if (v.health === 'up')
    return `${v.name} up ${rate.toFixed(1)}/s ${v.inFlight}/${v.limit}${v.limit < v.max ? ` of ${v.max}` : ''} in flight`;
  const when = v.probing
    ? 'probing now'
    : v.nextProbeAt === null
      ? 'probing'
      : `probing in ${Math.max(0, (v.nextProbeAt - now) / 1000).toFixed(1)} s`;
  return `${v.name} out, ${when}`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

export class Progress {
  private done: number;
  private readonly start = Date.now();
  private lastDraw = 0;
  private lastDecile: number;
  private drawn = false;

  constructor(
    private readonly total: number,
    private readonly already: number,
    private readonly io: Io,
    private readonly quiet: boolean,
    private readonly concurrency: ConcurrencyView | null = null,
    /** With several endpoints: each one's throughput, in flight and health (pool clock). */
    private readonly endpoints: (() => EndpointView[]) | null = null,
  ) {
    this.done = already;
    this.lastDecile = Math.floor((already / Math.max(1, total)) * 10);
  }

  /** Judgments per second over this session (resumed ones excluded), and the time left. */
  stats(now = Date.now()): { rate: number; etaMs: number } {
    const elapsed = Math.max(1, now - this.start);
    const rate = ((this.done - this.already) * 1000) / elapsed;
    return { rate, etaMs: rate > 0 ? ((this.total - this.done) / rate) * 1000 : NaN };
  }

  line(now = Date.now()): string {
    const { rate, etaMs } = this.stats(now);
    const pct = this.total ? (this.done / this.total) * 100 : 100;
    const c = this.concurrency;
    // The in-flight limit, and whether the server's 429/503s have cut it below the maximum.
    const conc = c
      ? ` · ${c.limit}${c.limit < c.max ? `/${c.max} in flight (server busy)` : ' in flight'}`
      : '';
    const eps = this.endpoints
      ? ` · ${this.endpoints()
          .map((v) => endpointStatus(v, now - this.start, performance.now()))
          .join(' · ')}`
      : '';
    return `${this.done}/${this.total} judgments (${pct.toFixed(1)}%) · ${rate.toFixed(1)}/s · ETA ${formatDuration(etaMs)}${conc}${eps}`;
  }

  tick(): void {
    this.done++;
    if (this.quiet) return;
    const now = Date.now();
    if (this.io.isTTY) {
      // Redrawing more than ~10 times a second costs CPU and shows nothing more.
      if (now - this.lastDraw < 100 && this.done < this.total) return;
      this.lastDraw = now;
      const width = 24;
      const fill = Math.round((this.done / Math.max(1, this.total)) * width);
      this.io.control(
        `\r\x1b[2K[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${this.line(now)}`,
      );
      this.drawn = true;
    } else {
      const decile = Math.floor((this.done / Math.max(1, this.total)) * 10);
      if (decile > this.lastDecile) {
        this.lastDecile = decile;
        this.io.err(`${this.line(now)}\n`);
      }
    }
  }

  /** Before another message: clear the bar so the message gets its own line. */
  clearLine(): void {
    if (this.drawn && this.io.isTTY) this.io.control('\r\x1b[2K');
    this.drawn = false;
  }

  finish(): void {
    if (this.quiet) return;
    if (this.drawn) this.io.err('\n');
    else if (!this.io.isTTY && this.lastDecile < 10) this.io.err(`${this.line()}\n`);
  }
}
