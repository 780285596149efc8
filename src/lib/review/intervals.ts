// Fills a dashboard's bootstrap intervals in small chunks after it is painted, so resampling never blocks the UI.
import { REVIEW_BOOTSTRAP, type Dashboard } from './dashboard';
import { bootstrapJob } from './summary';
import { afterPaint, tick } from './schedule';

/** Iterations per slice: a slice of a large run stays well under a frame. */
export const BOOTSTRAP_CHUNK = 50;

export interface IntervalHooks {
  /** False once a newer open, rebuild or leave has made this work moot: it stops at the next slice. */
  live(): boolean;
  /** Iterations done of the total; called with 0 before the first slice. */
  onProgress(done: number, total: number): void;
  /** What to wait for before resampling (default: the next painted frame). */
  start?: () => Promise<void>;
  /** What to yield to between slices (default: a fresh task). */
  between?: () => Promise<void>;
}

/**
 * The dashboard with every group's intervals, computed by resampling in chunks; null when it
 * stopped because `live()` turned false.
 */
export async function fillIntervals(d: Dashboard, hooks: IntervalHooks): Promise<Dashboard | null> {
  const { live, onProgress, start = afterPaint, between = tick } = hooks;
  const groups = [d.overall, ...d.subsets];
  const jobs = groups.map((g) => bootstrapJob(g.table, REVIEW_BOOTSTRAP));
  const total = jobs.reduce((s, j) => s + j.iterations, 0);
  onProgress(0, total);
  // Resampling starts once the numbers and the list are painted, so it never delays them.
  await start();
  if (!live()) return null;
  let finished = 0;
  for (const job of jobs) {
    while (!job.done) {
      await between();
      if (!live()) return null;
      onProgress(finished + job.step(BOOTSTRAP_CHUNK), total);
    }
    finished += job.iterations;
  }
  const [overall, ...subsets] = groups.map((g, i) => ({ ...g, intervals: jobs[i]!.result() }));
  return { ...d, overall: overall!, subsets };
}
