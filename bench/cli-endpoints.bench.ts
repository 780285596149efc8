// CLI throughput over 1, 2 and 3 local endpoints with a fixed per-request latency: does judgments/s grow with the endpoints?
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { buildCli, runCli } from '../tests/support/cli-process';
import { markerJudge, startOpenAIServer, type TestServer } from '../tests/support/openai-server';

/**
 * Each endpoint answers a judgment after LATENCY_MS whatever the load and takes PER_ENDPOINT at
 * once (-c), so one endpoint gives at most PER_ENDPOINT * 1000 / LATENCY_MS judgments/s and n
 * endpoints n times that, until the CLI's own CPU is the limit.
 */
const LATENCY_MS = 50;
const PER_ENDPOINT = 4;
const ITEMS = 90;
const ENDPOINTS = [1, 2, 3];
const RUNS = 3;

interface Sample {
  perS: number;
  cpuUsPerJudgment: number;
  load: number;
}
const samples = new Map<number, Sample[]>();
let inputN = 0;

buildCli();
const dir = mkdtempSync(join(tmpdir(), 'arbiter-bench-endpoints-'));
const servers: TestServer[] = await Promise.all(
  [0, 1, 2].map(() =>
    startOpenAIServer({
      record: false,
      handler: (req, n) => ({ ...(markerJudge(req, n) as object), latencyMs: LATENCY_MS }),
    }),
  ),
);

function dataset(): string {
  const path = join(dir, `bench-${inputN++}.jsonl`);
  const lines = Array.from({ length: ITEMS }, (_, i) =>
    JSON.stringify({
      prompt: `Bench question ${i} ${Math.random()}`,
      response_a: i % 2 ? 'GOOD answer' : 'BAD answer',
      response_b: i % 2 ? 'BAD answer' : 'GOOD answer',
    }),
  );
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function run(endpoints: number): Promise<Sample> {
  const args = [
    'judge',
    dataset(),
    ...servers.slice(0, endpoints).flatMap((s) => ['--endpoint', s.url]),
    '--model',
    'test-judge',
    '--out',
    join(dir, `out-${inputN}.jsonl`),
    '-c',
    String(PER_ENDPOINT),
    '-q',
  ];
  const r = await runCli(args);
  if (r.code !== 0) throw new Error(`CLI exit ${r.code}: ${r.stdout}${r.stderr}`);
  const m = /Time judging: (\d+) judgments in (\d+) ms/.exec(r.stdout);
  const cpu = /while judging \d+ ms, ([\d.]+) µs per new judgment/.exec(r.stdout);
  if (!m || !cpu) throw new Error(`no timing in output: ${r.stdout}`);
  return {
    perS: (Number(m[1]) * 1000) / Number(m[2]),
    cpuUsPerJudgment: Number(cpu[1]),
    load: loadavg()[0] ?? NaN,
  };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0] ?? NaN, median: s[Math.floor(s.length / 2)] ?? NaN, max: s.at(-1) ?? NaN };
};

function printTable(): void {
  const head = ['endpoints', 'ideal j/s', 'j/s min', 'median', 'max', 'CLI CPU µs/j', 'load'];
  const rows = ENDPOINTS.map((n) => {
    const xs = samples.get(n) ?? [];
    const r = stats(xs.map((x) => x.perS));
    return [
      String(n),
      ((n * PER_ENDPOINT * 1000) / LATENCY_MS).toFixed(0),
      r.min.toFixed(1),
      r.median.toFixed(1),
      r.max.toFixed(1),
      stats(xs.map((x) => x.cpuUsPerJudgment)).median.toFixed(0),
      stats(xs.map((x) => x.load)).median.toFixed(1),
    ];
  });
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(w[i]!)).join('  ');
  console.log(
    `\nCLI over several endpoints (${LATENCY_MS} ms per request, -c ${PER_ENDPOINT} per endpoint, ${ITEMS * 2} judgments, ${RUNS} runs per row)\n` +
      `${line(head)}\n${rows.map(line).join('\n')}\n`,
  );
}

describe('arbiter judge over several endpoints', () => {
  for (const n of ENDPOINTS)
    bench(
      `${n} endpoint(s)`,
      async () => {
        const s = await run(n);
        samples.set(n, [...(samples.get(n) ?? []), s]);
        if (n === ENDPOINTS.at(-1) && samples.get(n)!.length === RUNS) {
          printTable();
          await Promise.all(servers.map((x) => x.close()));
        }
      },
      { iterations: RUNS, time: 0, warmupIterations: 0, warmupTime: 0 },
    );
});
