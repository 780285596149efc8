// Progress-text parsing and the load clock, against the exact strings web-llm 0.2.86 produces.
import { describe, expect, it } from 'vitest';
import { ProgressTracker, parseProgressText } from '../../src/lib/engine/progress';

// Copied from node_modules/@mlc-ai/web-llm/lib/index.js (fetchTensorCacheInternal, loadWebGPUPipelines, reloadInternal).
const FETCH =
  'Fetching param cache[3/40]: 120MB fetched. 12% completed, 30 secs elapsed. It can take a while when we first visit this page to populate the cache. Later refreshes will become faster.';
const LOAD_CACHE = 'Loading model from cache[38/40]: 2150MB loaded. 95% completed, 4 secs elapsed.';
const SHADERS = 'Loading GPU shader modules[56/112]: 50% completed, 2 secs elapsed.';
const FINISH = 'Finish loading on WebGPU - swiftshader';

describe('parseProgressText', () => {
  it.each([
    ['Start to fetch params', 'downloading', null, null, null],
    [FETCH, 'downloading', [3, 40], 120 * 1024 * 1024, 0.12],
    [LOAD_CACHE, 'loading-from-cache', [38, 40], 2150 * 1024 * 1024, 0.95],
    [SHADERS, 'compiling', [56, 112], null, 0.5],
    [FINISH, 'ready', null, null, 1],
    ['something web-llm may add later', 'checking', null, null, null],
  ] as const)('%s', (text, phase, step, bytes, fraction) => {
    const p = parseProgressText(text);
    expect(p.phase).toBe(phase);
    expect(p.step).toEqual(step);
    expect(p.loadedBytes).toBe(bytes);
    expect(p.fraction).toBe(fraction);
  });
});

describe('ProgressTracker', () => {
  it('reports elapsed since the load began, total bytes from the exact fraction, and an ETA per phase', () => {
    let now = 1000;
    const t = new ProgressTracker(() => now);
    expect(t.start().phase).toBe('checking');
    now = 2000;
    const first = t.update({ progress: 0, timeElapsed: 0, text: 'Start to fetch params' });
    expect(first).toMatchObject({
      phase: 'downloading',
      fraction: 0,
      elapsedMs: 1000,
      etaMs: null,
    });
    now = 12_000; // 10 s into downloading, a quarter done → 30 s left
    const mid = t.update({
      progress: 0.25,
      timeElapsed: 10,
      text: 'Fetching param cache[10/40]: 500MB fetched. 25% completed, 10 secs elapsed.',
    });
    expect(mid.fraction).toBe(0.25);
    expect(mid.loadedBytes).toBe(500 * 1024 * 1024);
    expect(mid.totalBytes).toBe(2000 * 1024 * 1024);
    expect(mid.elapsedMs).toBe(11_000);
    expect(mid.etaMs).toBe(30_000);
  });

  it.each([
    [0.25, 'Fetching param cache[10/40]: 75MB fetched. 25% completed, 9 secs elapsed.'],
    [0.5, 'Fetching param cache[20/40]: 149MB fetched. 50% completed, 19 secs elapsed.'],
    [0.99, 'Loading model from cache[40/40]: 295MB loaded. 99% completed, 1 secs elapsed.'],
  ])(
    'with the exact size known, the total stays that size at %s (#24: it drifted from rounded MB)',
    (fraction, text) => {
      const t = new ProgressTracker(() => 0);
      const exact = 311_558_144; // 297.1 MiB, as a manifest's shard sizes add up
      t.setExactTotal(exact);
      const p = t.update({ progress: fraction, timeElapsed: 1, text });
      expect(p.totalBytes).toBe(exact);
      expect(p.loadedBytes).toBe(Math.round(exact * fraction));
    },
  );

  it('restarts the rate when the phase changes, since the fraction starts again at 0', () => {
    let now = 0;
    const t = new ProgressTracker(() => now);
    now = 1000;
    t.update({
      progress: 1,
      timeElapsed: 1,
      text: 'Fetching param cache[40/40]: 2000MB fetched. 100% completed, 1 secs elapsed.',
    });
    now = 2000;
    const start = t.update({
      progress: 0.1,
      timeElapsed: 1,
      text: 'Loading model from cache[4/40]: 200MB loaded. 10% completed, 1 secs elapsed.',
    });
    expect(start.phase).toBe('loading-from-cache');
    expect(start.etaMs).toBeNull();
    now = 4000; // 2 s for 0.4 more → 0.5 left takes 2.5 s
    const later = t.update({
      progress: 0.5,
      timeElapsed: 3,
      text: 'Loading model from cache[20/40]: 1000MB loaded. 50% completed, 3 secs elapsed.',
    });
    expect(later.etaMs).toBe(2500);
    const done = t.update({ progress: 1, timeElapsed: 4, text: FINISH });
    expect(done).toMatchObject({ phase: 'ready', fraction: 1, etaMs: 0 });
  });
});
