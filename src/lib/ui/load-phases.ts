// Which load phases the progress view lists: a display rule, kept out of the engine's progress parser.
import type { LoadProgress } from '../engine/types';

/**
 * The phases worth showing: a download that fetched nothing before another phase began never
 * happened. web-llm says "Start to fetch params" (a download at 0%) even when every file is
 * already cached and it goes straight to loading from cache.
 */
export function visiblePhases(phases: readonly LoadProgress[]): LoadProgress[] {
  return phases.filter(
    (p, i) =>
      i === phases.length - 1 ||
      p.phase !== 'downloading' ||
      (p.fraction !== null && p.fraction > 0) ||
      (p.loadedBytes !== null && p.loadedBytes > 0),
  );
}
