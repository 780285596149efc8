// The built CLI end to end: spawned against a real local server; resume after kill -9, exit codes, bad rows.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  isRowError,
  parseWorkspaceHeader,
  parseWorkspaceLine,
  type WorkspaceRecord,
} from '../../src/lib/data/workspace';
import type { JudgmentRecord } from '../../src/lib/store/schema';
import { markerJudge, startOpenAIServer, type TestServer } from '../support/openai-server';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'cli/bin.mjs');
let server: TestServer | null = null;
let dir = '';

beforeAll(() => {
  // The test setup builds the CLI, as `prepare` does after npm install.
  execFileSync('npm', ['run', 'build:cli'], { cwd: root, stdio: 'ignore' });
  dir = mkdtempSync(join(tmpdir(), 'arbiter-cli-'));
}, 120_000);

afterEach(async () => {
  await server?.close();
  server = null;
});

function dataset(n: number, name = 'data.jsonl'): string {
  const lines = Array.from({ length: n }, (_, i) => {
    const goodFirst = i % 3 !== 0;
    return JSON.stringify({
      id: `q${i}`,
      prompt: `Question ${i}: what is ${i} + ${i}?`,
      response_a: goodFirst ? `GOOD ${2 * i}` : `BAD ${i}`,
      response_b: goodFirst ? `BAD ${i + 1}` : `GOOD ${2 * i}`,
      label: goodFirst ? 'A' : 'B',
    });
  });
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], opts: { onSpawn?: (kill: () => void) => void } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    opts.onSpawn?.(() => child.kill('SIGKILL'));
  });
}

function readOut(path: string): WorkspaceRecord[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const header = parseWorkspaceHeader(lines[0]!);
  expect(isRowError(header)).toBe(false);
  return lines.slice(1).map((l, i) => {
    const r = parseWorkspaceLine(l, i + 2);
    if (isRowError(r)) throw new Error(`line ${r.line}: ${r.reason}`);
    return r;
  });
}

const judgments = (recs: WorkspaceRecord[]) =>
  recs.filter((r) => r.kind === 'judgment').map((r) => r.record as JudgmentRecord);

describe('arbiter judge (built CLI)', { timeout: 60_000 }, () => {
  it('judges a small file end to end into a workspace file, with a metrics table', async () => {
    server = await startOpenAIServer();
    const input = dataset(6);
    const out = join(dir, 'small.jsonl');
    const r = await runCli([
      'judge',
      input,
      '--endpoint',
      `${server.url}/v1`,
      '--model',
      'test-judge',
      '--protocol',
      'j1-pairwise',
      '--both-orders',
      '--out',
      out,
      '--concurrency',
      '4',
      '--format',
      'csv,alpaca-eval,fastchat,arena-hard',
    ]);
    expect(r.stderr).not.toContain('unexpected');
    expect(r.code).toBe(0);
    const recs = readOut(out);
    expect(recs.filter((x) => x.kind === 'dataset')).toHaveLength(1);
    expect(recs.filter((x) => x.kind === 'item')).toHaveLength(6);
    const js = judgments(recs);
    expect(js).toHaveLength(12);
    expect(new Set(js.map((j) => j.key)).size).toBe(12);
    expect(js.every((j) => j.engine === 'openai' && j.modelId === 'test-judge')).toBe(true);
    const runs = recs.filter((x) => x.kind === 'run');
    expect(runs.at(-1)!.record).toMatchObject({
      status: 'done',
      progress: { total: 12, done: 12 },
    });
    // The marker judge always picks GOOD, so every labelled verdict is right in both orders.
    expect(r.stdout).toMatch(/accuracy \(mean of orders\)\s+100\.0%/);
    expect(r.stdout).toMatch(/consistency .*100\.0%/);
    expect(r.stdout).toMatch(/parse failures\s+0/);
    // The endpoint and key never reach the results file.
    expect(readFileSync(out, 'utf8')).not.toContain(server.url);
    // Interop exports from the same records: one row per item (CSV, AlpacaEval), one per judgment.
    const csv = readFileSync(join(dir, 'small.csv'), 'utf8').split('\r\n').filter(Boolean);
    expect(csv).toHaveLength(7);
    const alpaca = JSON.parse(readFileSync(join(dir, 'small.alpaca-eval.json'), 'utf8')) as {
      preference: number;
    }[];
    expect(alpaca).toHaveLength(6);
    expect(alpaca.map((a) => a.preference)).toEqual([2, 1, 1, 2, 1, 1]);
    expect(
      readFileSync(join(dir, 'small.fastchat.jsonl'), 'utf8').trim().split('\n').length,
    ).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'small.arena-hard.jsonl'))).toBe(true);

    // A workspace file (this output, or an app export) judges again from the CLI: same items, same keys.
    const again = join(dir, 'again.jsonl');
    const r2 = await runCli([
      'judge',
      out,
      '--endpoint',
      server.url,
      '--model',
      'test-judge',
      '--out',
      again,
      '-c',
      '4',
      '-q',
    ]);
    expect(r2.code).toBe(0);
    const items2 = readOut(again)
      .filter((x) => x.kind === 'item')
      .map((x) => x.record.id);
    expect(items2.sort()).toEqual(
      recs
        .filter((x) => x.kind === 'item')
        .map((x) => x.record.id)
        .sort(),
    );
    expect(
      judgments(readOut(again))
        .map((j) => j.key)
        .sort(),
    ).toEqual(js.map((j) => j.key).sort());
  });

  it('gives the same judgments at concurrency 1 and 16 (order-independent content)', async () => {
    server = await startOpenAIServer({
      handler: (req, n) => ({ ...(markerJudge(req, n) as object), delayMs: 1 }),
    });
    const input = dataset(20, 'same.jsonl');
    const outs = [join(dir, 'seq.jsonl'), join(dir, 'par.jsonl')];
    for (const [i, c] of ['1', '16'].entries()) {
      const r = await runCli([
        'judge',
        input,
        '--endpoint',
        server.url,
        '--model',
        'test-judge',
        '--out',
        outs[i]!,
        '-c',
        c,
        '-q',
      ]);
      expect(r.code).toBe(0);
    }
    const norm = (p: string) =>
      judgments(readOut(p))
        .map((j) => `${j.key} ${j.itemId} ${j.order} ${j.verdict} ${j.text}`)
        .sort();
    const [a, b] = outs.map(norm);
    expect(a).toHaveLength(40);
    expect(b).toEqual(a);
  });

  it('resumes after kill -9 mid-run: no judgment lost, none duplicated', async () => {
    server = await startOpenAIServer({
      handler: (req, n) => ({ ...(markerJudge(req, n) as object), delayMs: 15 }),
    });
    const input = dataset(40, 'kill.jsonl');
    const out = join(dir, 'kill.jsonl.out');
    const args = [
      'judge',
      input,
      '--endpoint',
      server.url,
      '--model',
      'test-judge',
      '--out',
      out,
      '-c',
      '4',
    ];
    let killedAt = 0;
    const first = await runCli(args, {
      onSpawn: (kill) => {
        const poll = setInterval(() => {
          if (!existsSync(out)) return;
          const n = (readFileSync(out, 'utf8').match(/"kind":"judgment"/g) ?? []).length;
          if (n >= 10) {
            killedAt = n;
            clearInterval(poll);
            kill();
          }
        }, 20);
      },
    });
    expect(first.code).toBeNull(); // killed by the signal
    expect(killedAt).toBeGreaterThanOrEqual(10);
    const before = judgments(readOut(out)).length;
    expect(before).toBeLessThan(80);
    const requestsBefore = server.requests.length;
    const second = await runCli(args);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`Resuming: ${before} of 80`);
    const js = judgments(readOut(out));
    expect(js).toHaveLength(80);
    expect(new Set(js.map((j) => j.key)).size).toBe(80);
    // Only the missing work went to the server (plus the few capability checks). A retry after a
    // timeout on a loaded machine resends the same messages, so distinct requests are counted.
    const asked = new Set(
      server.requests
        .slice(requestsBefore)
        .filter((r) => r.path === '/v1/chat/completions' && r.body)
        .map((r) => JSON.stringify(r.body!.messages)),
    );
    expect(asked.size).toBeLessThanOrEqual(80 - before + 6);
    // A third run has nothing left to do.
    const third = await runCli(args);
    expect(third.code).toBe(0);
    expect(judgments(readOut(out))).toHaveLength(80);
    expect(third.stdout).toContain('0 new judgments (80 resumed)');
  }, 60_000);

  it('exit 2 for bad input with row-numbered errors', async () => {
    server = await startOpenAIServer();
    const path = join(dir, 'bad.jsonl');
    writeFileSync(
      path,
      [
        JSON.stringify({ prompt: 'p', response_a: 'GOOD', response_b: 'BAD', label: 'A' }),
        '{not json',
        JSON.stringify({ prompt: 'p', response_a: 'a', response_b: 'b', label: 'maybe' }),
      ].join('\n'),
    );
    const r = await runCli([
      'judge',
      path,
      '--endpoint',
      server.url,
      '--model',
      'test-judge',
      '--out',
      join(dir, 'bad.out'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl:2: /);
    expect(r.stderr).toMatch(/bad\.jsonl:3: /);
    expect(server.completions).toBe(0);
  });

  it('exit 2 for bad configuration: unknown protocol, missing model, unreachable server', async () => {
    const input = dataset(2, 'cfg.jsonl');
    const out = join(dir, 'cfg.out');
    let r = await runCli([
      'judge',
      input,
      '--endpoint',
      'http://127.0.0.1:9',
      '--model',
      'm',
      '--out',
      out,
      '--protocol',
      'nope',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown --protocol');
    r = await runCli(['judge', input, '--endpoint', 'http://127.0.0.1:9', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Missing --model');
    r = await runCli([
      'judge',
      input,
      '--endpoint',
      'http://127.0.0.1:9',
      '--model',
      'm',
      '--out',
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('could not be reached');
  });

  it('exit 1 when some items fail, naming their rows; a rerun retries only those', async () => {
    let broken = true;
    server = await startOpenAIServer({
      handler: (req, n) =>
        broken && JSON.stringify(req.body).includes('Question 2:')
          ? { status: 400, json: { error: { message: 'scripted bad request' } } }
          : markerJudge(req, n),
    });
    const input = dataset(4, 'fail.jsonl');
    const out = join(dir, 'fail.out');
    const args = [
      'judge',
      input,
      '--endpoint',
      server.url,
      '--model',
      'test-judge',
      '--out',
      out,
      '-c',
      '2',
    ];
    const r = await runCli(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/row 3 \(.*\): ServerError: .*scripted bad request/);
    expect(judgments(readOut(out))).toHaveLength(6);
    broken = false;
    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(judgments(readOut(out))).toHaveLength(8);
  });

  it('prints help with exit 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--concurrency');
  });
});
