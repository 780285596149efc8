// The built CLI as a child process, for tests and benchmarks: build it once, spawn it, collect its output.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = new URL('../../', import.meta.url).pathname;
export const cliBin = join(repoRoot, 'cli/bin.mjs');

/** Newest modification time of what the CLI is built from: cli/ (but cli/dist), src/, its config. */
function newestSource(root: string): number {
  const files = [join(root, 'vite.cli.config.ts'), join(root, 'package-lock.json')];
  for (const dir of ['cli', 'src'])
    for (const f of readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }))
      if (!(dir === 'cli' && f.startsWith('dist'))) files.push(join(root, dir, f));
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

/** Whether `root`'s cli/dist is missing or older than a source it is built from. */
export function cliIsStale(root = repoRoot): boolean {
  let builtAt: number;
  try {
    builtAt = statSync(join(root, 'cli/dist/arbiter.mjs')).mtimeMs;
  } catch {
    return true;
  }
  return newestSource(root) > builtAt;
}

/**
 * `npm run build:cli`, as `prepare` does after npm install: cli/dist from the current sources.
 * Skipped when cli/dist is newer than every source, so the suite does not build again what
 * `npm ci` just built.
 */
export function buildCli(): void {
  if (cliIsStale()) execFileSync('npm', ['run', 'build:cli'], { cwd: repoRoot, stdio: 'ignore' });
}

/**
 * `arbiter judge <input> --endpoint <endpoint> --model test-judge --out <out> …rest`: the command
 * line every CLI test and benchmark starts from. Several endpoints: one `--endpoint` each, in order.
 */
export function judgeArgs(
  input: string,
  endpoint: string | readonly string[],
  out: string,
  ...rest: string[]
): string[] {
  const endpoints = typeof endpoint === 'string' ? [endpoint] : endpoint;
  return [
    'judge',
    input,
    ...endpoints.flatMap((e) => ['--endpoint', e]),
    '--model',
    'test-judge',
    '--out',
    out,
    ...rest,
  ];
}

export interface CliRun {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `arbiter <args>`; `onSpawn` gets the child (to kill it mid-run, say). Never rejects. */
export function runCli(
  args: string[],
  opts: { onSpawn?: (child: ChildProcess) => void } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliBin, ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    opts.onSpawn?.(child);
  });
}
