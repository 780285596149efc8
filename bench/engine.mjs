// Benchmark: llama.cpp (wllama) bare in a page vs the same generation through Arbiter's engine (worker, protocol, streaming render).
// Models are generated in the page (tests/support/gguf-writer.ts): a CI-sized one and one of ~100 MB. Not a timed test.
// Run: npm run bench:engine [-- --runs 5 --tokens 64 --sizes small,100mb --threads 1,2]
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { load, openBenchPage, printTable } from './browser-page.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    tokens: { type: 'string', default: '64' },
    sizes: { type: 'string', default: 'small,100mb' },
    threads: { type: 'string', default: '1,2' },
  },
});
const runs = Number(values.runs);
const maxTokens = Number(values.tokens);
const MODELS = {
  small: {},
  // 8 layers of dim 512, ff 1408: about 100 MB of F32 weights.
  '100mb': { embedding: 512, layers: 8, feedForward: 1408, heads: 8 },
};

console.log(`bench:engine starting, ${cpus().length} cores, ${load()}`);
const bench = await openBenchPage('engine.html');
const { page } = bench;
const call = (name, ...args) =>
  page.evaluate(([n, a]) => window.arbiterBench[n](...a), [name, args]);
console.log(`page cross-origin isolated: ${await call('isolated')}`);

try {
  for (const size of values.sizes.split(',')) {
    const bytes = await call('makeModel', MODELS[size]);
    const rows = [];
    for (const threads of values.threads.split(',').map(Number)) {
      const loads = [];
      const tps = [];
      const ttft = [];
      for (let i = 0; i < runs; i++) {
        loads.push(await call('bareLoad', threads));
        // The first generation warms caches; measured ones follow.
        if (i === 0) await call('bareGenerate', 8);
        const g = await call('bareGenerate', maxTokens);
        tps.push(g.tokensPerS);
        ttft.push(g.ttftMs);
      }
      rows.push(
        { name: `bare wllama, ${threads} thread(s): load from Blob`, unit: 'ms', values: loads },
        { name: `bare wllama, ${threads} thread(s): decode`, unit: 'tok/s', values: tps },
        { name: `bare wllama, ${threads} thread(s): first token`, unit: 'ms', values: ttft },
      );
      if (threads === 1)
        rows.push({
          name: 'bare, 1 thread: memory after load',
          unit: 'MB',
          values: [await call('memoryMB')].filter((x) => x !== null),
        });
      await call('bareExit');
    }
    const stores = [];
    const loads = [];
    const tps = [];
    const engineTps = [];
    const counts = [];
    const ttft = [];
    let mem = null;
    for (let i = 0; i < runs; i++) {
      stores.push(await call('store'));
      loads.push(await call('arbiterLoad'));
      if (i === 0) await call('arbiterGenerate', 8);
      const g = await call('arbiterGenerate', maxTokens);
      tps.push(g.tokensPerS);
      if (g.engineTokensPerS) engineTps.push(g.engineTokensPerS);
      counts.push(g.tokens);
      ttft.push(g.ttftMs);
      if (i === 0) mem = await call('memoryMB');
    }
    rows.push(
      { name: 'Arbiter: store from a file (Model from files)', unit: 'ms', values: stores },
      { name: 'Arbiter: load from cache (worker + wllama)', unit: 'ms', values: loads },
      {
        name: 'Arbiter: decode (worker, protocol, render)',
        unit: 'tok/s',
        values: tps,
        goal: '≥ 0.97 × bare at its threads',
      },
      // llama.cpp's own rate inside the worker: what the page-side figure above loses is the
      // worker, the protocol and the render; what this one loses against bare is llama.cpp's.
      { name: 'Arbiter: decode as llama.cpp timed it', unit: 'tok/s', values: engineTps },
      // Bare ignores the end of turn; Arbiter's request cannot, so fewer tokens here mean the
      // fixed costs (flush, result message) weigh more in the page-side rate.
      { name: 'Arbiter: tokens generated', unit: 'tokens', values: counts },
      {
        name: 'Arbiter: first token (Judge page pace; the first delta goes at once)',
        unit: 'ms',
        values: ttft,
        goal: '≤ bare + 20 ms',
      },
      { name: 'Arbiter: memory after load', unit: 'MB', values: mem === null ? [] : [mem] },
    );
    printTable(
      `${size} model (${(bytes / 2 ** 20).toFixed(1)} MB), ${maxTokens} tokens, ${load()}`,
      rows,
    );
  }
} finally {
  await bench.close();
}
