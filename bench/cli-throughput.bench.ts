// CLI throughput: the built `arbiter judge` against a local server streaming at a fixed token rate, at concurrency 1–128.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { markerJudge, startOpenAIServer, type TestServer } from '../tests/support/openai-server';

const root = new URL('../', import.meta.url).pathname;
/** Each answer: 24 tokens, one SSE event each, 1 ms apart (~1,000 tok/s per stream). */
const TOKENS = 24;
const LEVELS = [1, 8, 32, 128];
const RUNS = 3;

interface Sample {
  perS: number;
  cpuUsPerJudgment: number;
}
const samples = new Map<number, Sample[]>();

let inputN = 0;

function dataset(items: number): string {
  const path = join(dir, `bench-${items}-${inputN++}.jsonl`);
  const lines = Array.from({ length: items }, (_, i) =>
    JSON.stringify({
      prompt: `Bench question ${i} ${Math.random()}`,
      response_a: i % 2 ? 'GOOD answer' : 'BAD answer',
      response_b: i % 2 ? 'BAD answer' : 'GOOD answer',
      label: i % 2 ? 'A' : 'B',
    }),
  );
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function run(concurrency: number): Promise<Sample> {
  // Enough work that start-up (node, probe) is small next to judging: ≥ 15 waves, ≥ 200 judgments.
  const items = Math.max(100, concurrency * 15);
  const input = dataset(items);
  const out = join(dir, `out-${inputN}.jsonl`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      join(root, 'cli/bin.mjs'),
      'judge',
      input,
      '--endpoint',
      server.url,
      '--model',
      'test-judge',
      '--out',
      out,
      '-c',
      String(concurrency),
      '-q',
    ]);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`CLI exit ${code}: ${stdout}`));
      const m = /Time judging: (\d+) judgments in (\d+) ms/.exec(stdout);
      const cpu = /([\d.]+) µs per new judgment/.exec(stdout);
      if (!m || !cpu) return reject(new Error(`no timing in output: ${stdout}`));
      resolve({ perS: (Number(m[1]) * 1000) / Number(m[2]), cpuUsPerJudgment: Number(cpu[1]) });
    });
  });
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0] ?? NaN, median: s[Math.floor(s.length / 2)] ?? NaN, max: s.at(-1) ?? NaN };
};

// Set up at module load: vitest's bench mode runs no beforeAll/afterAll hooks.
execFileSync('npm', ['run', 'build:cli'], { cwd: root, stdio: 'ignore' });
const dir = mkdtempSync(join(tmpdir(), 'arbiter-bench-'));
const answer = `<think>${'x '.repeat(TOKENS - 4).trim()}</think> <answer>[[A]]</answer>`;
const server: TestServer = await startOpenAIServer({
  record: false,
  tokenDelayMs: 1,
  handler: (req, n) => {
    const v = (markerJudge(req, n) as { text: string }).text.includes('[[A]]') ? 'A' : 'B';
    return { text: answer.replace('[[A]]', `[[${v}]]`) };
  },
});

function printTable(): void {
  const rows = LEVELS.map((c) => {
    const xs = samples.get(c) ?? [];
    const r = stats(xs.map((x) => x.perS));
    const cpu = stats(xs.map((x) => x.cpuUsPerJudgment));
    return [
      String(c),
      r.min.toFixed(0),
      r.median.toFixed(0),
      r.max.toFixed(0),
      cpu.min.toFixed(0),
      cpu.median.toFixed(0),
      cpu.max.toFixed(0),
      cpu.median > 0 ? (1e6 / cpu.median).toFixed(0) : '–',
    ];
  });
  const head = [
    'conc.',
    'j/s min',
    'j/s median',
    'j/s max',
    'CPU µs/j min',
    'median',
    'max',
    'CPU-bound j/s',
  ];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(w[i]!)).join('  ');
  console.log(
    `\nCLI throughput (server: ${TOKENS} tokens per answer, 1 ms apart; ${RUNS} runs per level)\n${line(head)}\n${rows.map(line).join('\n')}\n`,
  );
}

describe('arbiter judge throughput', () => {
  for (const c of LEVELS) {
    bench(
      `concurrency ${c}`,
      async () => {
        const s = await run(c);
        samples.set(c, [...(samples.get(c) ?? []), s]);
        if (c === LEVELS.at(-1) && samples.get(c)!.length === RUNS) {
          printTable();
          await server.close();
        }
      },
      { iterations: RUNS, time: 0, warmupIterations: 0, warmupTime: 0 },
    );
  }
});
