// The built CLI end to end: spawned against a real local server; resume after kill -9, exit codes, bad rows.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isRowError, type WorkspaceRecord } from '../../src/lib/data/workspace';
import type { JudgmentRecord } from '../../src/lib/store/schema';
import { judgeArgs, runCli } from '../support/cli-process';
import { cliSandbox, readWorkspace, sumRows } from '../support/cli-sandbox';
import { mulberry32 } from '../../src/lib/judge/stats';
import { markerJudge, type TestServer } from '../support/openai-server';

const cli = cliSandbox('arbiter-cli-');
const dataset = (n: number, name = 'data.jsonl') => cli.jsonl(name, sumRows(n));

function readOut(path: string): WorkspaceRecord[] {
  const { header, records } = readWorkspace(path);
  expect(isRowError(header)).toBe(false);
  return records;
}

const judgments = (recs: WorkspaceRecord[]) =>
  recs.filter((r) => r.kind === 'judgment').map((r) => r.record as JudgmentRecord);

describe('arbiter judge (built CLI)', { timeout: 60_000 }, () => {
  it('judges a small file end to end into a workspace file, with a metrics table', async () => {
    const server = await cli.server();
    const input = dataset(6);
    const out = cli.path('small.jsonl');
    const r = await runCli(
      judgeArgs(
        input,
        `${server.url}/v1`,
        out,
        '--protocol',
        'j1-pairwise',
        '--both-orders',
        '--concurrency',
        '4',
        '--format',
        'csv,alpaca-eval,fastchat,arena-hard',
      ),
    );
    expect(r.stderr).not.toContain('unexpected');
    expect(r.code).toBe(0);
    const recs = readOut(out);
    expect(recs.filter((x) => x.kind === 'dataset')).toHaveLength(1);
    expect(recs.filter((x) => x.kind === 'item')).toHaveLength(6);
    const js = judgments(recs);
    expect(js).toHaveLength(12);
    expect(new Set(js.map((j) => j.key)).size).toBe(12);
    expect(js.every((j) => j.engine === 'openai' && j.modelId === 'test-judge')).toBe(true);
    const runs = recs.filter((x) => x.kind === 'run');
    expect(runs.at(-1)!.record).toMatchObject({
      status: 'done',
      progress: { total: 12, done: 12 },
    });
    // The marker judge always picks GOOD, so every labelled verdict is right in both orders.
    expect(r.stdout).toMatch(/accuracy \(mean of orders\)\s+100\.0%/);
    expect(r.stdout).toMatch(/consistency .*100\.0%/);
    expect(r.stdout).toMatch(/parse failures\s+0/);
    // The endpoint and key never reach the results file.
    expect(readFileSync(out, 'utf8')).not.toContain(server.url);
    // Interop exports from the same records: one row per item (CSV, AlpacaEval), one per judgment.
    const csv = readFileSync(cli.path('small.csv'), 'utf8').split('\r\n').filter(Boolean);
    expect(csv).toHaveLength(7);
    const alpaca = JSON.parse(readFileSync(cli.path('small.alpaca-eval.json'), 'utf8')) as {
      preference: number;
    }[];
    expect(alpaca).toHaveLength(6);
    expect(alpaca.map((a) => a.preference)).toEqual([2, 1, 1, 2, 1, 1]);
    expect(
      readFileSync(cli.path('small.fastchat.jsonl'), 'utf8').trim().split('\n').length,
    ).toBeGreaterThan(0);
    expect(existsSync(cli.path('small.arena-hard.jsonl'))).toBe(true);

    // A workspace file (this output, or an app export) judges again from the CLI: same items, same keys.
    const again = cli.path('again.jsonl');
    const r2 = await runCli(judgeArgs(out, server.url, again, '-c', '4', '-q'));
    expect(r2.code).toBe(0);
    const items2 = readOut(again)
      .filter((x) => x.kind === 'item')
      .map((x) => x.record.id);
    expect(items2.sort()).toEqual(
      recs
        .filter((x) => x.kind === 'item')
        .map((x) => x.record.id)
        .sort(),
    );
    expect(
      judgments(readOut(again))
        .map((j) => j.key)
        .sort(),
    ).toEqual(js.map((j) => j.key).sort());
  });

  it('gives the same judgments at concurrency 1 and 16 (order-independent content)', async () => {
    const server = await cli.server({
      handler: (req, n) => ({ ...(markerJudge(req, n) as object), delayMs: 1 }),
    });
    const input = dataset(20, 'same.jsonl');
    const outs = [cli.path('seq.jsonl'), cli.path('par.jsonl')];
    for (const [i, c] of ['1', '16'].entries()) {
      const r = await runCli(judgeArgs(input, server.url, outs[i]!, '-c', c, '-q'));
      expect(r.code).toBe(0);
    }
    const norm = (p: string) =>
      judgments(readOut(p))
        .map((j) => `${j.key} ${j.itemId} ${j.order} ${j.verdict} ${j.text}`)
        .sort();
    const [a, b] = outs.map(norm);
    expect(a).toHaveLength(40);
    expect(b).toEqual(a);
  });

  it('resumes after kill -9 mid-run: no judgment lost, none duplicated', async () => {
    const server = await cli.server({
      handler: (req, n) => ({ ...(markerJudge(req, n) as object), delayMs: 15 }),
    });
    const input = dataset(40, 'kill.jsonl');
    const out = cli.path('kill.jsonl.out');
    const args = judgeArgs(input, server.url, out, '-c', '4');
    let killedAt = 0;
    const first = await runCli(args, {
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (!existsSync(out)) return;
          const n = (readFileSync(out, 'utf8').match(/"kind":"judgment"/g) ?? []).length;
          if (n >= 10) {
            killedAt = n;
            clearInterval(poll);
            child.kill('SIGKILL');
          }
        }, 20);
      },
    });
    expect(first.code).toBeNull(); // killed by the signal
    expect(killedAt).toBeGreaterThanOrEqual(10);
    const before = judgments(readOut(out)).length;
    expect(before).toBeLessThan(80);
    const requestsBefore = server.requests.length;
    const second = await runCli(args);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`Resuming: ${before} of 80`);
    const js = judgments(readOut(out));
    expect(js).toHaveLength(80);
    expect(new Set(js.map((j) => j.key)).size).toBe(80);
    // Only the missing work went to the server (plus the few capability checks). A retry after a
    // timeout on a loaded machine resends the same messages, so distinct requests are counted.
    const asked = new Set(
      server.requests
        .slice(requestsBefore)
        .filter((r) => r.path === '/v1/chat/completions' && r.body)
        .map((r) => JSON.stringify(r.body!.messages)),
    );
    expect(asked.size).toBeLessThanOrEqual(80 - before + 6);
    // A third run has nothing left to do.
    const third = await runCli(args);
    expect(third.code).toBe(0);
    expect(judgments(readOut(out))).toHaveLength(80);
    expect(third.stdout).toContain('0 new judgments (80 resumed)');
  }, 60_000);

  it('exit 2 for bad input with row-numbered errors', async () => {
    const server = await cli.server();
    const path = cli.path('bad.jsonl');
    writeFileSync(
      path,
      [
        JSON.stringify({ prompt: 'p', response_a: 'GOOD', response_b: 'BAD', label: 'A' }),
        '{not json',
        JSON.stringify({ prompt: 'p', response_a: 'a', response_b: 'b', label: 'maybe' }),
      ].join('\n'),
    );
    const r = await runCli(judgeArgs(path, server.url, cli.path('bad.out')));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl:2: /);
    expect(r.stderr).toMatch(/bad\.jsonl:3: /);
    expect(server.completions).toBe(0);
  });

  it('exit 2 for bad configuration: unknown protocol, missing model, unreachable server', async () => {
    const input = dataset(2, 'cfg.jsonl');
    const out = cli.path('cfg.out');
    let r = await runCli([
      'judge',
      input,
      '--endpoint',
      'http://127.0.0.1:9',
      '--model',
      'm',
      '--out',
      out,
      '--protocol',
      'nope',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown --protocol');
    r = await runCli(['judge', input, '--endpoint', 'http://127.0.0.1:9', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Missing --model');
    r = await runCli([
      'judge',
      input,
      '--endpoint',
      'http://127.0.0.1:9',
      '--model',
      'm',
      '--out',
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('could not be reached');
  });

  it('exit 1 when some items fail, naming their rows; a rerun retries only those', async () => {
    let broken = true;
    const server = await cli.server({
      handler: (req, n) =>
        broken && JSON.stringify(req.body).includes('Question 2:')
          ? { status: 400, json: { error: { message: 'scripted bad request' } } }
          : markerJudge(req, n),
    });
    const input = dataset(4, 'fail.jsonl');
    const out = cli.path('fail.out');
    const args = judgeArgs(input, server.url, out, '-c', '2');
    const r = await runCli(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/row 3 \(.*\): ServerError: .*scripted bad request/);
    expect(judgments(readOut(out))).toHaveLength(6);
    broken = false;
    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(judgments(readOut(out))).toHaveLength(8);
  });

  it('streamed (--stream) and whole answers give the same records: text, verdict, logprobs, usage', async () => {
    const server = await cli.server({
      handler: (req, n) => ({
        // verdict-only: the letter alone, so its logprobs give a confidence.
        text: /\[\[A\]\]/.test((markerJudge(req, n) as { text: string }).text) ? 'A' : 'B',
        reasoning: 'Weighing both answers.',
        topLogprobs: { A: -0.2, B: -1.7 },
        delayMs: 1,
      }),
    });
    const input = dataset(8, 'modes.jsonl');
    const outs = [cli.path('whole.jsonl'), cli.path('streamed.jsonl')];
    const streamedFlags: unknown[][] = [];
    for (const [i, extra] of [[], ['--stream']].entries()) {
      server.requests.length = 0;
      const r = await runCli(
        judgeArgs(
          input,
          server.url,
          outs[i]!,
          '--protocol',
          'verdict-only',
          '--logprobs',
          '-c',
          '4',
          '-q',
          ...extra,
        ),
      );
      expect(r.code).toBe(0);
      streamedFlags.push(
        server.requests
          .filter((q) => JSON.stringify(q.body?.messages ?? '').includes('Question'))
          .map((q) => q.body!.stream),
      );
    }
    // The 16 judgments go as whole answers by default, streamed with --stream.
    expect(streamedFlags).toEqual([Array(16).fill(undefined), Array(16).fill(true)]);
    const norm = (p: string) =>
      judgments(readOut(p))
        .map((j) =>
          JSON.stringify([
            j.key,
            j.order,
            j.verdict,
            j.text,
            j.probabilities,
            j.usage.promptTokens,
            j.usage.completionTokens,
            j.finishReason,
          ]),
        )
        .sort();
    const [whole, streamed] = outs.map(norm);
    expect(whole).toHaveLength(16);
    expect(streamed).toEqual(whole);
    const one = judgments(readOut(outs[0]!))[0]!;
    expect(one.text).toContain('<think>Weighing both answers.</think>');
    expect(one.probabilities).not.toBeNull();
  });

  it('adapts concurrency to 429s: halves in flight, honours Retry-After, finishes every item', async () => {
    let refused = 0;
    const capacity = 4;
    const s: TestServer = await cli.server({
      handler: (req, n) => {
        // inFlight counts this request: more than `capacity` at once is refused, as a busy server does.
        if (s.inFlight > capacity) {
          refused++;
          return {
            status: 429,
            headers: { 'retry-after': '0.05' },
            json: { error: { message: 'too many requests' } },
          };
        }
        return { ...(markerJudge(req, n) as object), delayMs: 3 };
      },
    });
    const input = dataset(60, 'busy.jsonl');
    const out = cli.path('busy.out');
    const r = await runCli(
      judgeArgs(
        input,
        s.url,
        out,
        '-c',
        '32',
        // Refusals count as retries; on a loaded test machine one item can meet many in a row.
        '--retries',
        '20',
      ),
    );
    expect(r.stderr).not.toContain('unexpected');
    expect(r.code, r.stdout).toBe(0);
    expect(judgments(readOut(out))).toHaveLength(120);
    // 32 → 16 → 8 → 4 (or lower) after the first bursts of refusals, shown in the summary…
    const m =
      /Server busy: (\d+) refusals \(429\/503\); concurrency halved (\d+) times, (\d+) of 32 at the end/.exec(
        r.stdout,
      );
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![2])).toBeGreaterThanOrEqual(3);
    expect(Number(m![3])).toBeLessThan(32);
    // …and in the progress lines while it happened.
    expect(r.stderr).toMatch(/in flight \(server busy\)/);
    // Without adapting, ~28 of every 32 requests would be refused for the whole run (well over
    // 120 × 28/4); adapting keeps the refusals to the first bursts and the odd probe upward.
    expect(refused).toBeLessThan(200);
  });

  it('keeps its concurrency when one request in ten draws a random 503', async () => {
    const rand = mulberry32(7);
    const server = await cli.server({
      handler: (req, n) =>
        JSON.stringify(req.body?.messages ?? '').includes('Question') && rand() < 0.1
          ? { status: 503, json: { error: { message: 'flaky upstream' } } }
          : markerJudge(req, n),
    });
    const input = dataset(60, 'flaky.jsonl');
    const r = await runCli(judgeArgs(input, server.url, cli.path('flaky.out'), '-c', '16'));
    expect(r.code, r.stderr).toBe(0);
    const m =
      /Server busy: (\d+) refusals \(429\/503\); concurrency halved (\d+) times, (\d+) of 16 at the end/.exec(
        r.stdout,
      );
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    // Cutting on every refusal halved it to 1–2 here; now a round trip needs over a quarter
    // refused to count as a full server.
    expect(Number(m![3])).toBeGreaterThanOrEqual(8);
  });

  it('checks prompts fit the context: too long is an item error (exit 1), never sent; /tokenize when close', async () => {
    const window = 2048;
    const server = await cli.server({ models: [{ id: 'test-judge', max_model_len: window }] });
    const path = cli.path('fit.jsonl');
    const longWord = 'abcdefghijklmnop ';
    writeFileSync(
      path,
      [
        { prompt: 'Short question?', response_a: 'GOOD one', response_b: 'BAD one', label: 'A' },
        // ~34,000 characters: too long by any count.
        {
          prompt: 'Huge?',
          response_a: `GOOD ${longWord.repeat(2000)}`,
          response_b: 'BAD',
          label: 'A',
        },
        // ~6,800 characters: the estimate (4 a token) says too long, the server's tokenizer
        // (a token a word here) says it fits, and the tokenizer wins.
        {
          prompt: 'Close?',
          response_a: `GOOD ${longWord.repeat(400)}`,
          response_b: 'BAD',
          label: 'A',
        },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    const out = cli.path('fit.out');
    const args = judgeArgs(path, server.url, out);
    const r = await runCli([...args, '--max-tokens', '64', '-c', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Context window ${window} tokens (from the server)`);
    expect(r.stderr).toMatch(
      /row 2 \(.*\): ContextWindowExceededError: Needs \d+ prompt tokens \(the server’s count\) plus 64 for the answer; the model holds 2048\./,
    );
    expect(r.stdout).toContain('1 failed items (1 too long for the context)');
    const sent = server.requests
      .filter((q) => q.path === '/v1/chat/completions')
      .map((q) => JSON.stringify(q.body!.messages));
    expect(sent.some((m) => m.includes('Huge?'))).toBe(false);
    expect(sent.filter((m) => m.includes('Close?'))).toHaveLength(2);
    expect(server.requests.some((q) => q.path === '/tokenize')).toBe(true);
    const recs = readOut(out);
    expect(judgments(recs)).toHaveLength(4);
    const run = recs.filter((x) => x.kind === 'run').at(-1)!.record as {
      status: string;
      failures?: { index: number; kind: string; reason: string }[];
    };
    expect(run.status).toBe('failed');
    expect(run.failures).toEqual([
      expect.objectContaining({
        index: 1,
        kind: 'too-long',
        reason: expect.stringContaining('holds 2048'),
      }),
    ]);

    // --context overrides the server; without /tokenize the estimate decides, and says so.
    server.requests.length = 0;
    const r2 = await runCli([...args.slice(0, -1), cli.path('fit2.out'), '--context', '300', '-q']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/row 1 .*the model holds 300 \(--context\)/);
    // Only the capability probe's own requests reached the server: no item was sent.
    const items = server.requests.filter(
      (q) => q.path === '/v1/chat/completions' && /Short|Huge|Close/.test(JSON.stringify(q.body)),
    );
    expect(items).toHaveLength(0);
  });

  it('checks every argument before any request: endpoint, --out folder, missing folder, foreign file', async () => {
    const server = await cli.server();
    const input = dataset(2, 'args.jsonl');
    const foreign = cli.path('notes.txt');
    writeFileSync(foreign, 'my notes\n');
    const cases: [string, string[], RegExp][] = [
      ['no URL', ['--endpoint', 'not-a-url'], /--endpoint: “not-a-url” is not a URL/],
      ['ftp', ['--endpoint', 'ftp://127.0.0.1/v1'], /must start with http:\/\/ or https:\/\//],
      ['a folder', ['--out', cli.path()], /is a folder/],
      [
        'no folder',
        ['--out', cli.path('missing', 'o.jsonl')],
        /the folder .*missing does not exist/,
      ],
      ['foreign file', ['--out', foreign], /is not an Arbiter workspace file/],
    ];
    for (const [name, extra, said] of cases) {
      const r = await runCli([...judgeArgs(input, server.url, cli.path('args.out')), ...extra]);
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(said);
      // A message for the user, not a stack trace.
      expect(r.stderr, name).not.toMatch(/\n\s+at |unexpected error/);
    }
    expect(server.requests).toHaveLength(0);
    expect(readFileSync(foreign, 'utf8')).toBe('my notes\n');
  });

  it('exits 1 and says so when too many answers are unreadable; accuracy over none is —', async () => {
    const server = await cli.server({ handler: () => ({ text: 'Both answers have merit.' }) });
    const input = dataset(4, 'unparsed.jsonl');
    const r = await runCli(judgeArgs(input, server.url, cli.path('unparsed.out'), '-c', '2'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      '8 of 8 answers (100.0%) had no readable verdict, more than --max-parse-failures 50%',
    );
    expect(r.stdout).toMatch(/accuracy \(mean of orders\)\s+— \(no readable verdict\)/);
    expect(r.stdout).toMatch(/consistent accuracy\s+—\n/);
    expect(r.stdout).not.toContain('0.0%  [95% CI');
    // The threshold is the user's: at 100% the same run passes.
    const again = await runCli(
      judgeArgs(input, server.url, cli.path('unparsed2.out'), '--max-parse-failures', '100'),
    );
    expect(again.code).toBe(0);
  });

  it('escapes control characters from the file and the server in everything it prints', async () => {
    const evil = '\x1b]0;TITLE\x07\x1b[2J';
    const server = await cli.server({
      handler: () => ({ status: 400, json: { error: { message: 'bad\x1b[31m re\rquest' } } }),
    });
    const path = cli.path('evil.jsonl');
    const row = { id: evil, prompt: 'p', response_a: 'GOOD', response_b: 'BAD', label: 'A' };
    writeFileSync(
      path,
      [row, { ...row, label: 'maybe' }].map((x) => JSON.stringify(x)).join('\n') + '\n',
    );
    const r = await runCli(
      judgeArgs(path, server.url, cli.path('evil.out'), '-c', '1', '--skip-bad-rows'),
    );
    expect(r.code).toBe(1);
    // The bad row's id, and the server's message for the good row, as visible escapes.
    expect(r.stderr).toContain('(id \\x1b]0;TITLE\\x07\\x1b[2J)');
    expect(r.stderr).toContain('bad\\x1b[31m re\\x0dquest');
    // eslint-disable-next-line no-control-regex -- looking for raw control characters
    expect(r.stderr + r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('Ctrl-C leaves the items in flight unfinished, not failed; a re-run does them', async () => {
    let hung = 0;
    let stopping = true;
    let child: ChildProcess | null = null;
    const server = await cli.server({
      handler: (req, n) => {
        const asks = JSON.stringify(req.body?.messages ?? '');
        if (stopping && /Question [2-9]/.test(asks)) {
          // Both slots now hold a request that never ends: stop the run as a user would.
          if (++hung === 2) child?.kill('SIGINT');
          return { hang: true };
        }
        return markerJudge(req, n);
      },
    });
    const input = dataset(8, 'sigint.jsonl');
    const out = cli.path('sigint.out');
    const args = judgeArgs(input, server.url, out, '-c', '2');
    const r = await runCli(args, { onSpawn: (c) => (child = c) });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('AbortedError');
    expect(r.stderr).toContain('Stopped: 6 items unfinished (2 were in flight)');
    expect(r.stdout).toContain('0 failed items');
    const run = readOut(out)
      .filter((x) => x.kind === 'run')
      .at(-1)!.record as { status: string; failures?: unknown[] };
    expect(run.status).toBe('cancelled');
    expect(run.failures).toBeUndefined();
    expect(judgments(readOut(out))).toHaveLength(4);
    stopping = false;
    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(judgments(readOut(out))).toHaveLength(16);
  });

  it('prints help with exit 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--concurrency');
  });
});
