// Wall time of 96 requests at concurrency 32 through OpenAIEngine against a local server that answers each after 400 ms (was a limit in tests/engine/openai-engine.test.ts).
import { loadavg } from 'node:os';
import { bench, describe } from 'vitest';
import { OpenAIEngine, openaiModelSpec } from '../src/lib/engine/openai-engine';
import { runPool } from '../src/lib/run/pool';
import { startOpenAIServer, type TestServer } from '../tests/support/openai-server';

const REQUESTS = 96;
const CONCURRENCY = 32;
const LATENCY_MS = 400;
const RUNS = 5;

const times: number[] = [];
const loads: number[] = [];

// Set up at module load: vitest's bench mode runs no beforeAll/afterAll hooks.
const server: TestServer = await startOpenAIServer({
  record: false,
  handler: (req) => {
    const m = (req.body!.messages as { content: string }[])[0]!.content;
    return { text: `echo ${m}`, latencyMs: LATENCY_MS, delayMs: 5 };
  },
});
const engine = new OpenAIEngine({ endpoint: server.url });
await engine.load(openaiModelSpec(server.url, 'test-judge'));

function printStats(): void {
  const s = [...times].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)] ?? NaN;
  console.log(
    `\n${REQUESTS} requests, concurrency ${CONCURRENCY}, ${LATENCY_MS} ms each at the server ` +
      `(ideal: ${Math.ceil(REQUESTS / CONCURRENCY)} waves ≈ ${(Math.ceil(REQUESTS / CONCURRENCY) * LATENCY_MS) / 1000} s; ` +
      `sequential ≥ ${(REQUESTS * LATENCY_MS) / 1000} s), ${RUNS} runs:\n` +
      `  wall ms  min ${s[0]?.toFixed(0)}  median ${median.toFixed(0)}  max ${s.at(-1)?.toFixed(0)}` +
      `  (load ${loads.map((l) => l.toFixed(1)).join(', ')})\n`,
  );
}

describe('OpenAIEngine request pool', () => {
  bench(
    `${REQUESTS} requests at concurrency ${CONCURRENCY}`,
    async () => {
      const inputs = Array.from({ length: REQUESTS }, (_, i) => `q${i}`);
      const t0 = performance.now();
      const sum = await runPool(
        inputs,
        async (q) => (await engine.generate({ messages: [{ role: 'user', content: q }] })).text,
        { concurrency: CONCURRENCY },
      );
      times.push(performance.now() - t0);
      loads.push(loadavg()[0] ?? NaN);
      if (sum.succeeded !== REQUESTS) throw new Error(`only ${sum.succeeded} of ${REQUESTS}`);
      if (times.length === RUNS) {
        printStats();
        await server.close();
      }
    },
    { iterations: RUNS, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
});
