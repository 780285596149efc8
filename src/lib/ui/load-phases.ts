// Which load phases the progress view lists and how long each took: display rules, kept out of the engine's progress parser.
import type { LoadProgress } from '../engine/types';

/**
 * The phases worth showing: a download that has fetched nothing is not shown, even as the current
 * phase. web-llm says "Start to fetch params" (a download at 0%) even when every file is already
 * cached, then says nothing for 1-6 s before it loads from cache: until bytes arrive, the load is
 * still checking.
 */
export function visiblePhases(phases: readonly LoadProgress[]): LoadProgress[] {
  return phases.filter(
    (p) =>
      p.phase !== 'downloading' ||
      (p.fraction !== null && p.fraction > 0) ||
      (p.loadedBytes !== null && p.loadedBytes > 0),
  );
}

/**
 * How long each shown phase took, ms: a finished phase lasted until the next shown one began;
 * the last one has lasted until its latest report. A phase reported only once (Checking) would
 * otherwise say "0 ms" forever.
 */
export function phaseDurations(shown: readonly LoadProgress[]): number[] {
  const start = (p: LoadProgress) => p.phaseStartedMs ?? p.elapsedMs;
  return shown.map((p, i) => {
    const next = shown[i + 1];
    return Math.max(0, (next ? start(next) : p.elapsedMs) - start(p));
  });
}
