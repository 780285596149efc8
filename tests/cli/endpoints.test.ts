// Several endpoints in the CLI: the endpoints file's two forms, and the built CLI over two servers, one killed, all dead.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isRowError, parseWorkspaceLine } from '../../src/lib/data/workspace';
import type { JudgmentRecord } from '../../src/lib/store/schema';
import type { EndpointView } from '../../src/lib/run/endpoints';
import { EndpointsError, mergeEndpoints, parseEndpointsFile } from '../../cli/endpoints';
import { endpointStatus } from '../../cli/progress';
import { judgeArgs, runCli } from '../support/cli-process';
import { alternatingRows, cliSandbox } from '../support/cli-sandbox';
import { markerJudge, type TestServer } from '../support/openai-server';

describe('parseEndpointsFile', () => {
  const env = { GPU2_KEY: 'sk-from-env' };
  const both = [
    {
      url: 'http://10.0.0.1:8000/v1',
      name: 'gpu1',
      models: ['qwen'],
      key: 'sk-1',
    },
    { url: 'http://10.0.0.2:8000', key_env: 'GPU2_KEY' },
  ];
  const expected = [
    { url: 'http://10.0.0.1:8000/v1', name: 'gpu1', models: ['qwen'], key: 'sk-1' },
    { url: 'http://10.0.0.2:8000', key: 'sk-from-env' },
  ];

  it('reads a JSON array', () => {
    expect(parseEndpointsFile(JSON.stringify(both, null, 2), 'e.json', env)).toEqual(expected);
  });

  it('reads JSONL, skipping blank and # lines', () => {
    const text = ['# two boxes', JSON.stringify(both[0]), '', JSON.stringify(both[1])].join('\n');
    expect(parseEndpointsFile(text, 'e.jsonl', env)).toEqual(expected);
  });

  it.each([
    ['', /the file is empty/],
    ['[]', /no endpoints in it/],
    ['[{"url": 1}]', /\(entry 1\): "url" must be a string/],
    ['{"url": "ftp://x/v1"}', /\(line 1\): The endpoint must start with http/],
    ['{"url": "http://x"}\n{nope', /e\.jsonl:2: not valid JSON/],
    ['[{"url": "http://x", "modles": ["m"]}]', /unknown field "modles"/],
    ['[{"url": "http://x", "models": []}]', /"models" must be a non-empty list/],
    ['[{"url": "http://x", "key_env": "NOT_SET_ANYWHERE"}]', /NOT_SET_ANYWHERE is not set/],
    ['[{"url": "http://x", "key": "sk-secret", "key_env": "GPU2_KEY"}]', /not both/],
  ])('refuses %j', (text, said) => {
    let err: unknown = null;
    try {
      parseEndpointsFile(text, 'e.jsonl', env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EndpointsError);
    expect((err as Error).message).toMatch(said);
    // A key is never part of a message.
    expect((err as Error).message).not.toContain('sk-');
  });

  it('merges --endpoint and the file: --api-key fills missing keys, names are unique, repeats refused', () => {
    const merged = mergeEndpoints(
      ['http://127.0.0.1:8000/v1', 'http://127.0.0.1:8001'],
      [{ url: 'http://127.0.0.1:8002/v1', key: 'own', name: 'third' }],
      'shared',
    );
    expect(merged).toEqual([
      { url: 'http://127.0.0.1:8000/v1', key: 'shared', name: '127.0.0.1:8000' },
      { url: 'http://127.0.0.1:8001', key: 'shared', name: '127.0.0.1:8001' },
      { url: 'http://127.0.0.1:8002/v1', key: 'own', name: 'third' },
    ]);
    expect(() => mergeEndpoints(['http://h:1/v1', 'http://h:1/'], [], undefined)).toThrow(
      /listed twice/,
    );
  });
});

describe('endpointStatus', () => {
  const base: EndpointView = {
    name: 'gpu1',
    url: 'http://gpu1/v1',
    health: 'up',
    inFlight: 3,
    limit: 8,
    max: 16,
    done: 45,
    nextProbeAt: null,
    probing: false,
    lastError: null,
  };
  it.each([
    // 45 answers in 10 s: 4.5/s, by hand.
    [base, 10_000, 0, 'gpu1 up 4.5/s 3/8 of 16 in flight'],
    [{ ...base, limit: 16 }, 9_000, 0, 'gpu1 up 5.0/s 3/16 in flight'],
    [{ ...base, health: 'down', nextProbeAt: 7_500 }, 1, 5_000, 'gpu1 out, probing in 2.5 s'],
    [{ ...base, health: 'down', probing: true }, 1, 0, 'gpu1 out, probing now'],
  ] as const)('%#: %s', (view, elapsed, now, line) => {
    expect(endpointStatus(view as EndpointView, elapsed, now)).toBe(line);
  });
});

const cli = cliSandbox('arbiter-endpoints-');
const server = cli.server;
const dataset = (n: number, name: string) => cli.jsonl(name, alternatingRows(n));

function judgmentsOf(path: string): JudgmentRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l, i) => parseWorkspaceLine(l, i + 2))
    .filter((r) => !isRowError(r) && r.kind === 'judgment')
    .map((r) => (r as { record: JudgmentRecord }).record);
}

/** Judgment requests a server got (the connection test's own requests left out). */
const completions = (s: TestServer) =>
  s.requests.filter(
    (r) =>
      r.path === '/v1/chat/completions' && JSON.stringify(r.body?.messages).includes('Question'),
  ).length;

describe('arbiter judge over several endpoints (built CLI)', { timeout: 120_000 }, () => {
  it('spreads a run over two --endpoint servers: both used, every judgment once, progress per endpoint', async () => {
    const a = await server({
      handler: (r, n) => ({ ...(markerJudge(r, n) as object), delayMs: 2 }),
    });
    const b = await server({
      handler: (r, n) => ({ ...(markerJudge(r, n) as object), delayMs: 2 }),
    });
    const input = dataset(30, 'two.jsonl');
    const out = cli.path('two.out');
    const r = await runCli(judgeArgs(input, [a.url, `${b.url}/v1`], out, '-c', '4'));
    expect(r.code, r.stderr).toBe(0);
    const js = judgmentsOf(out);
    expect(js).toHaveLength(60);
    expect(new Set(js.map((j) => j.key)).size).toBe(60);
    expect(completions(a)).toBeGreaterThan(0);
    expect(completions(b)).toBeGreaterThan(0);
    expect(completions(a) + completions(b)).toBe(60);
    // Per endpoint in the summary, with counts that add up to the run.
    const m = /Endpoints: (\S+) (\d+) answered, up; (\S+) (\d+) answered, up\./.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![2]) + Number(m![4])).toBe(60);
    expect(Number(m![2])).toBe(completions(a));
    // The non-TTY progress lines name each endpoint with its state.
    expect(r.stderr).toMatch(
      /127\.0\.0\.1:\d+ up [\d.]+\/s \d+\/4 in flight · 127\.0\.0\.1:\d+ up/,
    );
  });

  it('reads --endpoints FILE (JSONL, key from the environment) and routes by each one’s models', async () => {
    const a = await server({ models: [{ id: 'test-judge' }] });
    const b = await server({ models: [{ id: 'other-model' }] });
    const c = await server({ models: [{ id: 'test-judge' }, { id: 'other-model' }] });
    process.env.ARBITER_TEST_KEY_C = 'sk-c-secret';
    const file = cli.path('endpoints.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ url: a.url, name: 'a' }),
        JSON.stringify({ url: b.url, name: 'b' }),
        // Listed as serving only other-model: the run's model is never sent there.
        JSON.stringify({
          url: c.url,
          name: 'c',
          models: ['other-model'],
          key_env: 'ARBITER_TEST_KEY_C',
        }),
      ].join('\n'),
    );
    const out = cli.path('file.out');
    const r = await runCli([
      'judge',
      dataset(8, 'file.jsonl'),
      '--endpoints',
      file,
      '--model',
      'test-judge',
      '--out',
      out,
      '-c',
      '2',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(judgmentsOf(out)).toHaveLength(16);
    expect(completions(a)).toBe(16);
    expect(completions(b)).toBe(0);
    expect(c.requests).toHaveLength(0);
    expect(r.stderr + r.stdout).not.toContain('sk-c-secret');
  });

  it('one endpoint killed mid-run: its work moves, nothing lost or duplicated; restarted, it is brought back', async () => {
    let killed = false;
    let judged = 0;
    let restarted: Promise<TestServer> | null = null;
    const a = await server({
      handler: (r, n) => {
        if (!killed && JSON.stringify(r.body?.messages).includes('Question') && ++judged === 5) {
          killed = true;
          // Killed while answering: the connections in flight are reset, new ones refused.
          void a.close();
          return { hang: true };
        }
        return markerJudge(r, n);
      },
    });
    const port = Number(new URL(a.url).port);
    let release: () => void = () => {};
    const back = new Promise<void>((res) => (release = res));
    const b = await server({
      handler: async (r, n) => {
        // Once the first endpoint is restarted, hold answers here until it has taken work back.
        if (restarted) await back;
        return markerJudge(r, n);
      },
    });
    const out = cli.path('killed.out');
    const r = await runCli(judgeArgs(dataset(40, 'killed.jsonl'), [a.url, b.url], out, '-c', '4'), {
      // Restarted on its port once the CLI says it took the endpoint out.
      onSpawn: (child) =>
        child.stderr?.on('data', (d: Buffer) => {
          if (restarted || !/is out \(/.test(d.toString())) return;
          restarted = server({
            port,
            handler: (req, m) => {
              release();
              return markerJudge(req, m);
            },
          });
        }),
    });
    expect(r.code, r.stderr).toBe(0);
    const js = judgmentsOf(out);
    expect(js).toHaveLength(80);
    expect(new Set(js.map((j) => j.key)).size).toBe(80);
    expect(r.stderr).toMatch(/Endpoint 127\.0\.0\.1:\d+ is out \(/);
    expect(r.stderr).toMatch(/Endpoint 127\.0\.0\.1:\d+ answers again: back in the pool/);
    expect(restarted).not.toBeNull();
    expect(completions(await restarted!)).toBeGreaterThan(0);
  });

  it('every endpoint dead: stops with exit 1 naming each endpoint’s last error; a re-run resumes', async () => {
    let n0 = 0;
    const both: TestServer[] = [];
    // After ten answers between them, both servers die at once.
    const dying = (r: Parameters<typeof markerJudge>[0], n: number) => {
      if (!JSON.stringify(r.body?.messages).includes('Question')) return markerJudge(r, n);
      if (++n0 === 11) for (const s of both) void s.close();
      return n0 > 10 ? { hang: true } : markerJudge(r, n);
    };
    const a = await server({ handler: dying });
    const b = await server({ handler: dying });
    both.push(a, b);
    const input = dataset(20, 'dead.jsonl');
    const out = cli.path('dead.out');
    const args = judgeArgs(input, [a.url, b.url], out, '-c', '2', '--give-up', '0');
    const r = await runCli(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Every endpoint serving “test-judge” is down: /);
    expect(r.stderr).toContain(`(${a.url}): `);
    expect(r.stderr).toContain(`(${b.url}): `);
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
    const first = judgmentsOf(out);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(40);
    // Both servers back: the same command finishes the run.
    await server({ port: Number(new URL(a.url).port) });
    const again = await runCli(args);
    expect(again.code, again.stderr).toBe(0);
    const js = judgmentsOf(out);
    expect(new Set(js.map((j) => j.key)).size).toBe(40);
    expect(js).toHaveLength(40);
  });

  it('--concurrency auto probes each endpoint on its own', async () => {
    const a = await server();
    const b = await server();
    const r = await runCli(
      judgeArgs(dataset(4, 'auto.jsonl'), [a.url, b.url], cli.path('auto.out')),
    );
    expect(r.code, r.stderr).toBe(0);
    for (const s of [a, b])
      expect(r.stderr).toMatch(
        new RegExp(`Concurrency \\d+ on ${new URL(s.url).host.replace(/\./g, '\\.')} \\(probe: 1→`),
      );
    expect(judgmentsOf(cli.path('auto.out'))).toHaveLength(8);
  });

  it('no endpoint answering at the start is exit 2, naming each one', async () => {
    const a = await server();
    const b = await server();
    await Promise.all([a.close(), b.close()]);
    const r = await runCli(
      judgeArgs(dataset(2, 'none.jsonl'), [a.url, b.url], cli.path('none.out')),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No endpoint answered: /);
    expect(r.stderr).toContain(`(${a.url}): `);
    expect(r.stderr).toContain(`(${b.url}): `);
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
  });

  it('a bad endpoints file is exit 2 before any request', async () => {
    const a = await server();
    const file = cli.path('bad-endpoints.json');
    writeFileSync(file, JSON.stringify([{ url: a.url, models: 'test-judge' }]));
    const r = await runCli([
      'judge',
      dataset(2, 'badfile.jsonl'),
      '--endpoints',
      file,
      '--model',
      'test-judge',
      '--out',
      cli.path('badfile.out'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"models" must be a non-empty list/);
    expect(a.requests).toHaveLength(0);
  });
});
