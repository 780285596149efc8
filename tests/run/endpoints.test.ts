// The endpoint pool against real local HTTP servers: work shared, endpoints killed and restarted, 503 bursts, all down, routing by model.
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAIEngine, openaiModelSpec } from '../../src/lib/engine/openai-engine';
import type { GenerateRequest } from '../../src/lib/engine/types';
import {
  AllEndpointsDownError,
  EndpointPool,
  classifyFailure,
  routeModel,
  type EndpointPoolOptions,
} from '../../src/lib/run/endpoints';
import { runPool } from '../../src/lib/run/pool';
import {
  RateLimitError,
  ServerError,
  ServerTimeoutError,
  ServerUnreachableError,
  StreamDroppedError,
  ContextWindowExceededError,
  AbortedError,
} from '../../src/lib/engine/errors';
import {
  startOpenAIServer,
  type Handler,
  type RecordedRequest,
  type Reply,
  type TestServer,
} from '../support/openai-server';

const servers: TestServer[] = [];
let pool: EndpointPool | null = null;

afterEach(async () => {
  pool?.close();
  pool = null;
  await Promise.all(servers.splice(0).map((s) => s.close().catch(() => undefined)));
});

async function server(
  handler?: Handler,
  opts: Parameters<typeof startOpenAIServer>[0] = {},
): Promise<TestServer> {
  const s = await startOpenAIServer({ ...(handler ? { handler } : {}), ...opts });
  servers.push(s);
  return s;
}

/** The item a request is for (each request of a test names its own). */
const itemOf = (r: RecordedRequest) =>
  ((r.body?.messages as { content: string }[] | undefined)?.[0]?.content ?? '').replace(
    /^item /,
    '',
  );
const answer = (r: RecordedRequest): Reply => ({ text: `answer ${itemOf(r)}` });
const completions = (s: TestServer) =>
  s.requests.filter((r) => r.path === '/v1/chat/completions').length;

const request = (i: number): GenerateRequest => ({
  messages: [{ role: 'user', content: `item ${i}` }],
  max_tokens: 8,
  temperature: 0,
});

function makePool(
  urls: string[],
  extra: Partial<EndpointPoolOptions> = {},
): { pool: EndpointPool; events: string[] } {
  const events: string[] = [];
  const p = new EndpointPool(
    urls.map((url, i) => ({ url, name: `e${i}` })),
    {
      engineFor: (s) =>
        new OpenAIEngine({
          endpoint: s.url,
          backoff: { retries: 0 },
          streamOnlyWhenWatched: true,
          idleTimeoutMs: 20_000,
        }),
      concurrency: 4,
      probe: { baseMs: 20, maxMs: 200 },
      backoff: { baseMs: 5, maxMs: 50 },
      onHealth: (v, event) => events.push(`${event} ${v.name}`),
      ...extra,
    },
  );
  pool = p;
  return { pool: p, events };
}

/** Judge `n` requests through the pool; each result's text names its item. */
async function judgeAll(p: EndpointPool, n: number, model = 'test-judge'): Promise<string[]> {
  const engine = p.engine(model);
  // The spec names the first endpoint, as the CLI's does: each endpoint must still send to its own.
  await engine.load(openaiModelSpec(p.endpoints[0]!.url, model));
  const out: string[] = [];
  const sum = await runPool(
    Array.from({ length: n }, (_, i) => i),
    async (i) => (await engine.generate(request(i))).text,
    { concurrency: 16, onResult: (t) => out.push(t) },
  );
  expect(sum.failed).toBe(0);
  return out;
}

/** Each of 0..n-1 answered exactly once. */
function expectEachOnce(texts: string[], n: number): void {
  expect(texts).toHaveLength(n);
  expect(new Set(texts).size).toBe(n);
  expect([...texts].sort()).toEqual(Array.from({ length: n }, (_, i) => `answer ${i}`).sort());
}

/** A promise and its resolve, to hold a server's answers until an event. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe('routeModel', () => {
  it.each([
    ['m1', ['a', 'c']],
    ['m2', ['b', 'c']],
    ['m3', ['c']],
  ])('sends %s to %j only', (model, names) => {
    const eps = [
      { name: 'a', models: ['m1'] },
      { name: 'b', models: ['m2', 'm9'] },
      { name: 'c', models: null },
    ];
    expect(routeModel(eps, model).map((e) => e.name)).toEqual(names);
  });
});

describe('classifyFailure', () => {
  it.each([
    ['refused', new ServerUnreachableError('refused', { retryable: true }), 'down'],
    ['timeout', new ServerTimeoutError('slow'), 'down'],
    ['429', new RateLimitError('busy', { status: 429 }), 'overload'],
    ['503', new ServerError('503', { status: 503, retryable: true }), 'overload'],
    ['500', new ServerError('500', { status: 500, retryable: true }), 'flaky'],
    ['dropped', new StreamDroppedError('cut', { retryable: true }), 'flaky'],
    ['400', new ServerError('400', { status: 400, retryable: false }), 'final'],
    ['too long', new ContextWindowExceededError('long'), 'final'],
    ['abort', new AbortedError(), 'final'],
    ['not an engine error', new TypeError('x'), 'final'],
  ])('%s → %s', (_name, error, kind) => {
    expect(classifyFailure(error)).toBe(kind);
  });
});

describe('EndpointPool with real servers', { timeout: 60_000 }, () => {
  it('two endpoints share the work: both used, counts add up, each item once', async () => {
    const a = await server((r) => ({ ...answer(r), latencyMs: 5 }));
    const b = await server((r) => ({ ...answer(r), latencyMs: 5 }));
    const { pool: p } = makePool([a.url, b.url]);
    const texts = await judgeAll(p, 40);
    expectEachOnce(texts, 40);
    expect(completions(a)).toBeGreaterThan(0);
    expect(completions(b)).toBeGreaterThan(0);
    expect(completions(a) + completions(b)).toBe(40);
    expect(p.views().reduce((n, v) => n + v.done, 0)).toBe(40);
    // No endpoint ever held more than its own limit.
    expect(Math.max(a.maxInFlight, b.maxInFlight)).toBeLessThanOrEqual(4);
  });

  it('three endpoints share the work the same way', async () => {
    const s = await Promise.all(
      [0, 1, 2].map(() => server((r) => ({ ...answer(r), latencyMs: 5 }))),
    );
    const { pool: p } = makePool(s.map((x) => x.url));
    const texts = await judgeAll(p, 60);
    expectEachOnce(texts, 60);
    for (const x of s) expect(completions(x)).toBeGreaterThan(0);
    expect(s.reduce((n, x) => n + completions(x), 0)).toBe(60);
  });

  it('an endpoint killed mid-run: its work moves, it is probed and, restarted on its port, brought back', async () => {
    const back = gate();
    let a2: TestServer | null = null;
    let killed = false;
    const a = await server((r, n) => {
      if (n === 5 && !killed) {
        killed = true;
        // Killed while answering: this request and any in flight on it get a reset connection.
        void a.close();
        return { hang: true };
      }
      return answer(r);
    });
    const port = Number(new URL(a.url).port);
    const b = await server(async (r) => {
      // Once the pool has taken the first endpoint out, restart it (refused until then)…
      if (killed && !a2 && pool?.views()[0]?.health === 'down') {
        a2 = await startOpenAIServer({
          port,
          handler: (req) => {
            back.open();
            return answer(req);
          },
        });
        servers.push(a2);
      }
      // …and hold this endpoint's answers until the restarted one has taken work: it can only
      // get work after a probe found it alive.
      if (a2) await back.wait;
      return { ...answer(r), latencyMs: 2 };
    });
    const { pool: p, events } = makePool([a.url, b.url]);
    const texts = await judgeAll(p, 60);
    expectEachOnce(texts, 60);
    expect(events).toContain('down e0');
    expect(events).toContain('up e0');
    const restarted = a2 as TestServer | null;
    expect(restarted).not.toBeNull();
    // The probe is a cheap GET /v1/models; then completions came back to it.
    expect(restarted!.requests.some((r) => r.method === 'GET' && r.path === '/v1/models')).toBe(
      true,
    );
    expect(completions(restarted!)).toBeGreaterThan(0);
    expect(p.moved).toBeGreaterThan(0);
  });

  it('an endpoint answering 503 in a burst is taken out, and back once it recovers', async () => {
    let refused = 0;
    const recovered = gate();
    let afterRecovery = 0;
    const a = await server((r) => {
      if (refused < 6) {
        refused++;
        return { status: 503, json: { error: { message: 'loading the model' } } };
      }
      afterRecovery++;
      recovered.open();
      return answer(r);
    });
    const b = await server(async (r, n) => {
      // Work stays open until the first endpoint serves again, so it has work to come back to.
      if (n >= 10) await recovered.wait;
      return answer(r);
    });
    const { pool: p, events } = makePool([a.url, b.url]);
    const texts = await judgeAll(p, 40);
    expectEachOnce(texts, 40);
    expect(refused).toBe(6);
    expect(events.slice(0, 2)).toEqual(['down e0', 'up e0']);
    expect(afterRecovery).toBeGreaterThan(0);
    expect(p.views()[0]?.lastError).toMatch(/503.*loading the model/);
  });

  it('a single endpoint that answers 503 for a while still finishes every item', async () => {
    let refused = 0;
    const a = await server((r) => {
      if (refused < 7) {
        refused++;
        return { status: 503, json: { error: { message: 'warming up' } } };
      }
      return answer(r);
    });
    const { pool: p, events } = makePool([a.url]);
    const texts = await judgeAll(p, 20);
    expectEachOnce(texts, 20);
    expect(refused).toBe(7);
    expect(events).toEqual(['down e0', 'up e0']);
  });

  it('every endpoint dead mid-run: requests fail with each endpoint’s last error', async () => {
    const started = gate();
    let n0 = 0;
    const mk = () =>
      server((r) => {
        if (++n0 === 6) started.open();
        return n0 > 6 ? { hang: true } : answer(r);
      });
    const a = await mk();
    const b = await mk();
    const { pool: p } = makePool([a.url, b.url], { giveUpMs: 0 });
    const engine = p.engine('test-judge');
    await engine.load(openaiModelSpec('', 'test-judge'));
    const errors: unknown[] = [];
    const run = runPool(
      Array.from({ length: 30 }, (_, i) => i),
      (i) => engine.generate(request(i)),
      { concurrency: 8, onError: (e) => errors.push(e) },
    );
    await started.wait;
    await Promise.all([a.close(), b.close()]);
    const sum = await run;
    // Answers before the kill arrived; none after it.
    expect(sum.succeeded).toBeGreaterThan(0);
    expect(sum.succeeded).toBeLessThanOrEqual(6);
    expect(sum.failed).toBe(30 - sum.succeeded);
    const down = errors.find((e) => e instanceof AllEndpointsDownError) as Error | undefined;
    expect(down).toBeDefined();
    expect(errors.every((e) => e instanceof AllEndpointsDownError)).toBe(true);
    expect(down!.message).toContain(`e0 (${a.url})`);
    expect(down!.message).toContain(`e1 (${b.url})`);
    expect(down!.message).toMatch(/refused/);
  });

  it('no endpoint answering at the start is an error naming each one', async () => {
    const a = await server();
    const b = await server();
    await Promise.all([a.close(), b.close()]);
    const { pool: p } = makePool([a.url, b.url]);
    const err = await p
      .engine('test-judge')
      .load(openaiModelSpec('', 'test-judge'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AllEndpointsDownError);
    expect((err as Error).message).toMatch(/e0 .*refused.*; e1 .*refused/);
  });

  it('routes by /v1/models: requests for m1 go only to the endpoint serving m1, m2 to the other', async () => {
    const a = await server(answer, { models: [{ id: 'm1' }] });
    const b = await server(answer, { models: [{ id: 'm2' }] });
    const { pool: p } = makePool([a.url, b.url]);
    const [t1, t2] = await Promise.all([judgeAll(p, 12, 'm1'), judgeAll(p, 12, 'm2')]);
    expectEachOnce(t1, 12);
    expectEachOnce(t2, 12);
    const models = (s: TestServer) =>
      new Set(s.requests.filter((r) => r.body).map((r) => r.body?.model));
    expect(models(a)).toEqual(new Set(['m1']));
    expect(models(b)).toEqual(new Set(['m2']));
    expect(completions(a)).toBe(12);
    expect(completions(b)).toBe(12);
    expect(routeModel(p.endpoints, 'm1').map((e) => e.name)).toEqual(['e0']);
  });

  it('a model no endpoint serves is refused at load, with what each serves', async () => {
    const a = await server(answer, { models: [{ id: 'm1' }] });
    const { pool: p } = makePool([a.url]);
    await expect(p.engine('m3').load(openaiModelSpec('', 'm3'))).rejects.toThrow(
      /No endpoint serves “m3”.*e0 serves m1/,
    );
  });
});
