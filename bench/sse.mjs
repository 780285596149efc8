// Benchmark: CPU of the SSE parser on one big event versus the same bytes as small events (issue #20).
// Run: node bench/sse.mjs [-- --runs 5 --sizes 1,10,20 --chunk 16384]
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ts from 'typescript';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    sizes: { type: 'string', default: '1,10,20' },
    // Bytes per network read: what a socket hands the decoder at a time.
    chunk: { type: 'string', default: '16384' },
  },
});
const runs = Number(values.runs);
const chunkSize = Number(values.chunk);

// sse.ts imports nothing: transpile it alone into a temp folder and load that.
const dir = mkdtempSync(join(tmpdir(), 'arbiter-sse-bench-'));
const source = readFileSync(new URL('../src/lib/engine/sse.ts', import.meta.url), 'utf8');
const out = join(dir, 'sse.mjs');
writeFileSync(
  out,
  ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText,
);
const { SseParser } = await import(out);

function chunks(text) {
  const out = [];
  for (let i = 0; i < text.length; i += chunkSize) out.push(text.slice(i, i + chunkSize));
  return out;
}

function measure(parts) {
  const times = [];
  for (let r = 0; r < runs; r++) {
    const cpu0 = process.cpuUsage();
    const p = new SseParser();
    let n = 0;
    for (const c of parts) n += p.push(c).length;
    n += p.end().length;
    const cpu = process.cpuUsage(cpu0);
    times.push((cpu.user + cpu.system) / 1000);
    if (n === 0) throw new Error('no events');
  }
  times.sort((a, b) => a - b);
  return times;
}

const fmt = (t) =>
  `min ${t[0].toFixed(0)} / median ${t[Math.floor(t.length / 2)].toFixed(0)} / max ${t.at(-1).toFixed(0)} ms CPU`;

console.log(`SseParser, ${runs} runs, ${chunkSize}-byte reads`);
for (const mb of values.sizes.split(',').map(Number)) {
  const size = mb * 1024 * 1024;
  const one = chunks(`data: ${'x'.repeat(size)}\n\n`);
  const smallEvent = `data: ${'x'.repeat(1018)}\n\n`;
  const many = chunks(smallEvent.repeat(Math.ceil(size / smallEvent.length)));
  console.log(`${String(mb).padStart(3)} MB one event      ${fmt(measure(one))}`);
  console.log(`${String(mb).padStart(3)} MB in 1 kB events ${fmt(measure(many))}`);
}
rmSync(dir, { recursive: true, force: true });
