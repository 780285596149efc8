// The hash router: each address names a view and its parameters; an address the app has no page for is "not found".
import { describe, expect, test } from 'vitest';
import { parseRoute } from '../../src/lib/state/router.svelte';

describe('parseRoute', () => {
  test.each([
    ['', 'judge', []],
    ['#', 'judge', []],
    ['#/', 'judge', []],
    ['#/judge', 'judge', []],
    ['#/history/run%201', 'history', ['run 1']],
    ['#/compare/a/b', 'compare', ['a', 'b']],
    ['#/leaderboard/no-such-run', 'leaderboard', ['no-such-run']],
    ['#/panel/a/b/c', 'panel', ['a', 'b', 'c']],
    ['#/panel/a%2Fx/b', 'panel', ['a/x', 'b']],
    ['#/nope', 'not-found', []],
    ['#/Judge', 'not-found', []],
    ['#/not-found', 'not-found', []],
    ['#/nope/deeper', 'not-found', ['deeper']],
  ])('%j → %s %j', (hash, view, params) => {
    const r = parseRoute(hash);
    expect(r.view).toBe(view);
    expect(r.params).toEqual(params);
    expect(r.param).toBe(params[0] ?? null);
  });
});
