// The built CLI as a child process, for tests and benchmarks: build it once, spawn it, collect its output.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const repoRoot = new URL('../../', import.meta.url).pathname;
export const cliBin = join(repoRoot, 'cli/bin.mjs');

/** `npm run build:cli`, as `prepare` does after npm install: cli/dist from the current sources. */
export function buildCli(): void {
  execFileSync('npm', ['run', 'build:cli'], { cwd: repoRoot, stdio: 'ignore' });
}

/**
 * `arbiter judge <input> --endpoint <endpoint> --model test-judge --out <out> …rest`: the command
 * line every CLI test and benchmark starts from.
 */
export function judgeArgs(
  input: string,
  endpoint: string,
  out: string,
  ...rest: string[]
): string[] {
  return ['judge', input, '--endpoint', endpoint, '--model', 'test-judge', '--out', out, ...rest];
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
