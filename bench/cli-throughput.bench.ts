// CLI throughput: the built `arbiter judge` against a local server at a fixed token rate, at concurrency 1–128, whole answers and --stream.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { buildCli, judgeArgs, runCli } from '../tests/support/cli-process';
import { markerJudge, startOpenAIServer, type TestServer } from '../tests/support/openai-server';

/**
 * Each answer: 24 tokens at 1 ms a token (~1,000 tok/s per request). Streamed, that is 27 SSE
 * events per judgment (24 tokens, finish, usage, [DONE]) the CLI must parse; whole, the server
 * waits 24 ms and sends one JSON body. The server runs in this process, so its CPU is measured
 * here and the CLI's in the child (it prints its own process.cpuUsage).
 */
const TOKENS = 24;
const LEVELS = [1, 8, 32, 128];
const MODES = ['whole', 'stream'] as const;
type Mode = (typeof MODES)[number];
const RUNS = 3;

interface Sample {
  perS: number;
  /** CLI CPU while judging, per judgment. */
  cpuUsPerJudgment: number;
  /** CLI CPU of the whole process (start-up, planning, metrics, exit), per judgment. */
  allUsPerJudgment: number;
  /** The local server's CPU (this process) during the run, per judgment. */
  serverUsPerJudgment: number;
  load: number;
}
const samples = new Map<string, Sample[]>();

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

async function run(mode: Mode, concurrency: number): Promise<Sample> {
  // Enough work that start-up (node, probe) is small next to judging: ≥ 15 waves, ≥ 200 judgments.
  const items = Math.max(100, concurrency * 15);
  const input = dataset(items);
  const out = join(dir, `out-${inputN}.jsonl`);
  const server0 = process.cpuUsage();
  const r = await runCli(
    judgeArgs(
      input,
      server.url,
      out,
      '-c',
      String(concurrency),
      '-q',
      ...(mode === 'stream' ? ['--stream'] : []),
    ),
  );
  const serverCpu = process.cpuUsage(server0);
  if (r.code !== 0) throw new Error(`CLI exit ${r.code}: ${r.stdout}${r.stderr}`);
  const m = /Time judging: (\d+) judgments in (\d+) ms/.exec(r.stdout);
  const cpu =
    /Arbiter CPU: (\d+) ms in all; while judging \d+ ms, ([\d.]+) µs per new judgment/.exec(
      r.stdout,
    );
  if (!m || !cpu) throw new Error(`no timing in output: ${r.stdout}`);
  const n = Number(m[1]);
  return {
    perS: (n * 1000) / Number(m[2]),
    cpuUsPerJudgment: Number(cpu[2]),
    allUsPerJudgment: (Number(cpu[1]) * 1000) / n,
    serverUsPerJudgment: (serverCpu.user + serverCpu.system) / n,
    load: loadavg()[0] ?? NaN,
  };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0] ?? NaN, median: s[Math.floor(s.length / 2)] ?? NaN, max: s.at(-1) ?? NaN };
};

// Set up at module load: vitest's bench mode runs no beforeAll/afterAll hooks.
buildCli();
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
  const rows = MODES.flatMap((mode) =>
    LEVELS.map((c) => {
      const xs = samples.get(`${mode} ${c}`) ?? [];
      const r = stats(xs.map((x) => x.perS));
      const cpu = stats(xs.map((x) => x.cpuUsPerJudgment));
      return [
        mode,
        String(c),
        r.min.toFixed(0),
        r.median.toFixed(0),
        r.max.toFixed(0),
        cpu.min.toFixed(0),
        cpu.median.toFixed(0),
        cpu.max.toFixed(0),
        stats(xs.map((x) => x.allUsPerJudgment)).median.toFixed(0),
        cpu.median > 0 ? (1e6 / cpu.median).toFixed(0) : '–',
        stats(xs.map((x) => x.serverUsPerJudgment)).median.toFixed(0),
        stats(xs.map((x) => x.load)).median.toFixed(1),
      ];
    }),
  );
  const head = [
    'answers',
    'conc.',
    'j/s min',
    'j/s median',
    'j/s max',
    'CLI CPU µs/j min',
    'median',
    'max',
    'all-in median',
    'CLI-bound j/s',
    'server CPU µs/j',
    'load',
  ];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(w[i]!)).join('  ');
  console.log(
    `\nCLI throughput (server: ${TOKENS} tokens per answer at 1 ms a token; ${RUNS} runs per row)\n` +
      `CLI CPU: the CLI's own process while judging; all-in adds start-up, planning and metrics.\n` +
      `CLI-bound j/s = 1e6 / median CLI CPU µs per judgment: what one CLI process can sustain.\n` +
      `${line(head)}\n${rows.map(line).join('\n')}\n`,
  );
}

describe('arbiter judge throughput', () => {
  for (const mode of MODES)
    for (const c of LEVELS) {
      bench(
        `${mode} answers, concurrency ${c}`,
        async () => {
          const s = await run(mode, c);
          const key = `${mode} ${c}`;
          samples.set(key, [...(samples.get(key) ?? []), s]);
          if (key === `${MODES.at(-1)} ${LEVELS.at(-1)}` && samples.get(key)!.length === RUNS) {
            printTable();
            await server.close();
          }
        },
        { iterations: RUNS, time: 0, warmupIterations: 0, warmupTime: 0 },
      );
    }
});
