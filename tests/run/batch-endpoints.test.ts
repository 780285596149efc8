// The app's batch runner over the endpoint pool (fake-indexeddb, real local servers): requests side by side on every live server, one killed mid-run, all down.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { getTemplate, type Template } from '../../src/lib/judge';
import { OpenAIEngine, openaiModelSpec } from '../../src/lib/engine/openai-engine';
import { createRepositories, type ItemRecord, type Repositories } from '../../src/lib/store';
import { BatchRunner, newBatchRun } from '../../src/lib/run/batch';
import { EndpointPool } from '../../src/lib/run/endpoints';
import { makeDataset, openTestDb } from '../store/fixtures';
import { markerJudge, startOpenAIServer, type TestServer } from '../support/openai-server';

const template = getTemplate('j1-pairwise') as Template;
let db: Awaited<ReturnType<typeof openTestDb>>;
let repos: Repositories;
const servers: TestServer[] = [];
let pool: EndpointPool | null = null;

beforeEach(async () => {
  db = await openTestDb();
  repos = createRepositories(db.db);
});
afterEach(async () => {
  pool?.close();
  pool = null;
  await Promise.all(servers.splice(0).map((s) => s.close().catch(() => undefined)));
  await db.close();
});

async function server(...args: Parameters<typeof startOpenAIServer>): Promise<TestServer> {
  const s = await startOpenAIServer(...args);
  servers.push(s);
  return s;
}

async function seedRun(n: number): Promise<string> {
  const list: ItemRecord[] = Array.from({ length: n }, (_, i) => ({
    id: `it-${i}`,
    datasetId: 'ds-1',
    index: i,
    prompt: `Question ${i}?`,
    responseA: i % 2 ? `GOOD ${i}` : `BAD ${i}`,
    responseB: i % 2 ? `BAD ${i}` : `GOOD ${i}`,
    label: i % 2 ? ('A' as const) : ('B' as const),
    meta: {},
  }));
  await repos.datasets.import(makeDataset({ id: 'ds-1' }), list);
  const run = newBatchRun({
    datasetId: 'ds-1',
    template,
    model: { engine: 'openai', modelId: 'test-judge', thinking: false },
    options: {
      bothOrders: true,
      allowTie: true,
      samples: 1,
      temperature: 0,
      seed: 42,
      maxTokens: 64,
      logprobs: false,
      constrained: false,
    },
    filter: {},
  });
  await repos.runs.put(run);
  return run.id;
}

async function poolEngine(urls: string[]) {
  pool = new EndpointPool(
    urls.map((url) => ({ url })),
    {
      engineFor: (s) =>
        new OpenAIEngine({ endpoint: s.url, backoff: { retries: 0 }, idleTimeoutMs: 20_000 }),
      concurrency: 3,
      probe: { baseMs: 20, maxMs: 200 },
      backoff: { baseMs: 5, maxMs: 50 },
      giveUpMs: 0,
    },
  );
  const engine = pool.engine('test-judge');
  await engine.load(openaiModelSpec(urls[0] as string, 'test-judge'));
  return engine;
}

function runner(engine: Awaited<ReturnType<typeof poolEngine>>, runId: string): BatchRunner {
  return new BatchRunner(
    { repos, engine, reload: () => Promise.resolve(), contextWindow: 4096, flushMs: 5 },
    runId,
  );
}

const judged = (s: TestServer) =>
  s.requests.filter((r) => JSON.stringify(r.body?.messages ?? '').includes('Question')).length;

describe('BatchRunner over an endpoint pool', { timeout: 60_000 }, () => {
  test('sends requests side by side to both servers; every judgment stored once', async () => {
    const slow = (r: Parameters<typeof markerJudge>[0], n: number) => ({
      ...(markerJudge(r, n) as object),
      latencyMs: 5,
    });
    const a = await server({ handler: slow });
    const b = await server({ handler: slow });
    const engine = await poolEngine([a.url, b.url]);
    expect(engine.parallelism).toBe(6);
    const runId = await seedRun(12);
    expect(await runner(engine, runId).run()).toBe('done');
    const all = await repos.judgments.byRun(runId);
    expect(all).toHaveLength(24);
    expect(new Set(all.map((j) => j.key)).size).toBe(24);
    expect(all.every((j) => j.parse === 'ok')).toBe(true);
    expect(judged(a)).toBeGreaterThan(0);
    expect(judged(b)).toBeGreaterThan(0);
    expect(judged(a) + judged(b)).toBe(24);
    // Side by side: more than one request at once on a server, never more than its limit.
    expect(Math.max(a.maxInFlight, b.maxInFlight)).toBeGreaterThan(1);
    expect(Math.max(a.maxInFlight, b.maxInFlight)).toBeLessThanOrEqual(3);
  });

  test('pause with requests in flight on both servers: finished work kept, a new runner judges nothing twice', async () => {
    const slow = (r: Parameters<typeof markerJudge>[0], n: number) => ({
      ...(markerJudge(r, n) as object),
      latencyMs: 10,
    });
    const a = await server({ handler: slow });
    const b = await server({ handler: slow });
    const engine = await poolEngine([a.url, b.url]);
    const runId = await seedRun(15);
    const first: BatchRunner = new BatchRunner(
      {
        repos,
        engine,
        reload: () => Promise.resolve(),
        contextWindow: 4096,
        flushMs: 5,
        onProgress: (p) => {
          if (p.generated === 8) first.pause();
        },
      },
      runId,
    );
    expect(await first.run()).toBe('paused');
    const kept = await repos.judgments.byRun(runId);
    expect(kept.length).toBeGreaterThanOrEqual(8);
    expect(kept.length).toBeLessThan(30);
    expect(await runner(engine, runId).run()).toBe('done');
    const all = await repos.judgments.byRun(runId);
    expect(all).toHaveLength(30);
    expect(new Set(all.map((j) => j.key)).size).toBe(30);
  });

  test('a server killed mid-run: the run still finishes, nothing lost or stored twice', async () => {
    let n0 = 0;
    const a = await server({
      handler: (r, n) => {
        if (JSON.stringify(r.body?.messages).includes('Question') && ++n0 === 4) {
          void a.close();
          return { hang: true };
        }
        return markerJudge(r, n);
      },
    });
    const b = await server();
    const engine = await poolEngine([a.url, b.url]);
    const runId = await seedRun(15);
    expect(await runner(engine, runId).run()).toBe('done');
    const all = await repos.judgments.byRun(runId);
    expect(all).toHaveLength(30);
    expect(new Set(all.map((j) => j.key)).size).toBe(30);
    expect(pool!.views()[0]?.health).toBe('down');
  });

  test('every server down: the run pauses with each server’s error; nothing judged is lost', async () => {
    let n0 = 0;
    const both: TestServer[] = [];
    const dying = (r: Parameters<typeof markerJudge>[0], n: number) => {
      if (!JSON.stringify(r.body?.messages).includes('Question')) return markerJudge(r, n);
      if (++n0 === 7) for (const s of both) void s.close();
      return n0 >= 7 ? { hang: true } : markerJudge(r, n);
    };
    const a = await server({ handler: dying });
    const b = await server({ handler: dying });
    both.push(a, b);
    const engine = await poolEngine([a.url, b.url]);
    const runId = await seedRun(20);
    const r = runner(engine, runId);
    expect(await r.run()).toBe('paused');
    expect(r.progress.error).toMatch(/Every endpoint serving “test-judge” is down: .*refused/);
    const stored = await repos.judgments.byRun(runId);
    // What arrived before the servers died is stored (an answer cut off by the kill never came).
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThanOrEqual(6);
    expect(new Set(stored.map((j) => j.key)).size).toBe(stored.length);
    const run = await repos.runs.get(runId);
    expect(run?.status).toBe('paused');
    expect(run?.failures ?? []).toEqual([]);
  });
});
