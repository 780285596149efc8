// Which load phases the progress view lists, and how long each took.
import { describe, expect, it } from 'vitest';
import type { LoadProgress } from '../../src/lib/engine/types';
import { phaseDurations, visiblePhases } from '../../src/lib/ui/load-phases';

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
      // #24: a load from cache showed "Downloading 0%" for 1-6 s before web-llm's first cache report.
      'a download that has fetched nothing is not shown, even as the current phase',
      [at('checking', null), at('downloading', 0)],
      ['checking'],
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

describe('phaseDurations', () => {
  const p = (phase: LoadProgress['phase'], started: number | undefined, elapsed: number) => ({
    phase,
    fraction: null,
    loadedBytes: null,
    totalBytes: null,
    elapsedMs: elapsed,
    ...(started === undefined ? {} : { phaseStartedMs: started }),
    etaMs: null,
    text: '',
  });
  it.each([
    // #24: Checking is reported once, at 0 ms; it lasted until loading from cache began at 2,300 ms.
    [
      'checking then cache',
      [p('checking', 0, 0), p('loading-from-cache', 2300, 5000)],
      [2300, 2700],
    ],
    ['one phase so far', [p('checking', 0, 0)], [0]],
    [
      'three phases',
      [p('checking', 0, 0), p('downloading', 100, 9000), p('compiling', 9100, 9600)],
      [100, 9000, 500],
    ],
    [
      'reports without a phase start',
      [p('checking', undefined, 0), p('ready', undefined, 800)],
      [800, 0],
    ],
  ] as const)('%s', (_name, phases, expected) => {
    expect(phaseDurations(phases)).toEqual(expected);
  });
});
