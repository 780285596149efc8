// The CLI is built once: tests reuse the cli/dist that `npm ci` (prepare) built unless a source changed since.
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';
import { cliIsStale } from '../support/cli-process';

const T0 = new Date('2026-01-01T00:00:00Z');
const later = (s: number) => new Date(T0.getTime() + s * 1000);

/** A checkout with the CLI's sources at T0 and, unless `built` is null, cli/dist at `built`. */
function checkout(built: Date | null): string {
  const root = mkdtempSync(join(tmpdir(), 'arbiter-cli-build-'));
  const sources = [
    'vite.cli.config.ts',
    'package-lock.json',
    'cli/arbiter.ts',
    'cli/bin.mjs',
    'src/lib/judge/index.ts',
  ];
  for (const f of sources) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), '');
  }
  for (const d of ['cli', 'src', 'src/lib', 'src/lib/judge']) utimesSync(join(root, d), T0, T0);
  for (const f of sources) utimesSync(join(root, f), T0, T0);
  if (built) {
    mkdirSync(join(root, 'cli/dist'));
    writeFileSync(join(root, 'cli/dist/arbiter.mjs'), '');
    utimesSync(join(root, 'cli/dist/arbiter.mjs'), built, built);
    utimesSync(join(root, 'cli/dist'), built, built);
    utimesSync(join(root, 'cli'), T0, T0);
  }
  return root;
}

test.each([
  { case: 'never built', built: null, touched: null, stale: true },
  { case: 'built after every source', built: later(10), touched: null, stale: false },
  {
    case: 'a src file changed since',
    built: later(10),
    touched: 'src/lib/judge/index.ts',
    stale: true,
  },
  { case: 'a cli file changed since', built: later(10), touched: 'cli/arbiter.ts', stale: true },
  {
    case: 'the build config changed since',
    built: later(10),
    touched: 'vite.cli.config.ts',
    stale: true,
  },
  {
    case: 'dependencies changed since',
    built: later(10),
    touched: 'package-lock.json',
    stale: true,
  },
])('$case: stale $stale', ({ built, touched, stale }) => {
  const root = checkout(built);
  if (touched) utimesSync(join(root, touched), later(20), later(20));
  expect(cliIsStale(root)).toBe(stale);
});

test('a newer cli/dist does not count as a source', () => {
  const root = checkout(later(10));
  writeFileSync(join(root, 'cli/dist/arbiter.mjs.map'), '');
  utimesSync(join(root, 'cli/dist/arbiter.mjs.map'), later(30), later(30));
  expect(cliIsStale(root)).toBe(false);
});
