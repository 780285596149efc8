// Which load phases the progress view lists.
import { describe, expect, it } from 'vitest';
import type { LoadProgress } from '../../src/lib/engine/types';
import { visiblePhases } from '../../src/lib/ui/load-phases';

describe('visiblePhases', () => {
  const at = (phase: LoadProgress['phase'], fraction: number | null): LoadProgress => ({
    phase,
    fraction,
    loadedBytes: null,
    totalBytes: null,
    elapsedMs: 0,
    etaMs: null,
    text: '',
  });
  it.each([
    [
      'a load from cache drops the download that never started',
      [at('checking', null), at('downloading', 0), at('loading-from-cache', 0.4)],
      ['checking', 'loading-from-cache'],
    ],
    [
      'a first load keeps the download',
      [at('checking', null), at('downloading', 1), at('loading-from-cache', 0.2)],
      ['checking', 'downloading', 'loading-from-cache'],
    ],
    [
      'a download that is just starting is shown (it is the current phase)',
      [at('checking', null), at('downloading', 0)],
      ['checking', 'downloading'],
    ],
    [
      'other phases stay even without a fraction',
      [at('loading-from-cache', 1), at('compiling', null), at('ready', 1)],
      ['loading-from-cache', 'compiling', 'ready'],
    ],
  ] as const)('%s', (_name, phases, expected) => {
    expect(visiblePhases(phases).map((p) => p.phase)).toEqual(expected);
  });
});
