// Benchmark of `arbiter batch prepare` and `arbiter batch ingest` (built CLI): judgments/s and peak memory, min/median/max.
// Usage: node bench/batch-files.mjs [--items N] [--runs R]   (default 25,000 items = 50,000 judgments, 3 runs)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : Number(process.argv[i + 1]);
};
const items = arg('items', 25_000);
const runs = arg('runs', 3);
const root = new URL('../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'arbiter-batch-bench-'));

// The CLI under a wrapper that reports the process's peak resident memory when it exits.
const wrapper = join(dir, 'rss.mjs');
writeFileSync(
  wrapper,
  `process.on('exit', () => process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));\n` +
    `await import(${JSON.stringify(join(root, 'cli/dist/arbiter.mjs'))});\n`,
);

const data = join(dir, 'data.jsonl');
{
  const ws = createWriteStream(data);
  for (let i = 0; i < items; i++) {
    const line = JSON.stringify({
      id: `q${i}`,
      prompt: `Question ${i}: explain why the sky is blue in ${i % 7} sentences.`,
      response_a:
        `Answer A to ${i}: Rayleigh scattering makes short wavelengths scatter more. `.repeat(3),
      response_b: `Answer B to ${i}: the sky reflects the ocean. `.repeat(3),
      label: i % 2 ? 'B' : 'A',
    });
    if (!ws.write(line + '\n')) await once(ws, 'drain');
  }
  ws.end();
  await once(ws, 'finish');
}

function cli(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [wrapper, ...args], { cwd: dir, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`arbiter ${args.join(' ')}: ${r.stderr}`);
  const rss = Number(/MAXRSS (\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  return { ms, rss };
}

const requests = join(dir, 'requests.jsonl');
const prep = [];
for (let i = 0; i < runs; i++)
  prep.push(cli(['batch', 'prepare', data, '--model', 'M', '-o', requests, '-q']));
const lines = readFileSync(requests, 'utf8').trim().split('\n');
const judgments = lines.length;

// A results file as vllm run-batch writes it: every request answered.
const results = join(dir, 'results.jsonl');
{
  const ws = createWriteStream(results);
  for (const [i, l] of lines.entries()) {
    const id = /"custom_id":"([0-9a-f]+)"/.exec(l)[1];
    const body = {
      id: `chatcmpl-${i}`,
      object: 'chat.completion',
      created: 1764590400,
      model: 'M',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: '<think>A explains it.</think> <answer>[[A]]</answer>',
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 150, completion_tokens: 12, total_tokens: 162 },
    };
    const out = {
      id: `vllm-${i}`,
      custom_id: id,
      response: { status_code: 200, request_id: `r${i}`, body },
      error: null,
    };
    if (!ws.write(JSON.stringify(out) + '\n')) await once(ws, 'drain');
  }
  ws.end();
  await once(ws, 'finish');
}
const ing = [];
for (let i = 0; i < runs; i++)
  ing.push(
    cli(['batch', 'ingest', requests, results, '--out', join(dir, 'ws.jsonl'), '--force', '-q']),
  );

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};
const row = (name, rs) => {
  const rate = stats(rs.map((r) => (judgments * 1000) / r.ms));
  const rss = stats(rs.map((r) => r.rss));
  return `| ${name} | ${judgments.toLocaleString('en')} | ${rate.min.toFixed(0)} / ${rate.median.toFixed(0)} / ${rate.max.toFixed(0)} | ${rss.min.toFixed(0)} / ${rss.median.toFixed(0)} / ${rss.max.toFixed(0)} |`;
};
console.log(
  `arbiter batch, ${items.toLocaleString('en')} items, ${runs} runs each, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (${new Date().toISOString()})`,
);
console.log(
  '| step | judgments | judgments/s min / median / max | peak RSS MB min / median / max |',
);
console.log(
  '| ---- | --------- | ------------------------------ | ------------------------------ |',
);
console.log(row('prepare', prep));
console.log(row('ingest', ing));
