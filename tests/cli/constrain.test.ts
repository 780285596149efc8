// `arbiter judge --constrain KIND`: every verdict under the protocol's grammar in that server's field, checked before judging.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../../cli/args';
import { getTemplate } from '../../src/lib/judge';
import { judgeArgs, runCli } from '../support/cli-process';
import { cliSandbox } from '../support/cli-sandbox';
import { markerJudge, type Handler } from '../support/openai-server';

const cli = cliSandbox('arbiter-constrain-');

function dataset(n: number): string {
  return cli.jsonl(
    `data-${n}.jsonl`,
    Array.from({ length: n }, (_, i) => ({
      id: `q${i}`,
      prompt: `Question ${i}?`,
      response_a: `GOOD ${i}`,
      response_b: `BAD ${i}`,
      label: 'A',
    })),
  );
}

/** A server that follows a grammar only when it comes in `field`. */
function honouring(field: string): Handler {
  return (req, n) => {
    const user = JSON.stringify(req.body?.messages ?? []);
    const probe = user.includes('Answer with one letter');
    if (req.body && field in req.body) return probe ? { text: 'A' } : markerJudge(req, n);
    return probe ? { text: 'Sure, A.' } : markerJudge(req, n);
  };
}

describe('--constrain', () => {
  it('parses the kinds, implies --constrained, defaults off, refuses others', () => {
    const base = [
      'judge',
      'd.jsonl',
      '--endpoint',
      'http://127.0.0.1:1',
      '--model',
      'm',
      '--out',
      'o',
    ];
    const off = parseCli(base);
    expect(off !== 'help' && [off.constrain, off.constrained]).toEqual(['off', false]);
    const on = parseCli([...base, '--constrain', 'vllm']);
    expect(on !== 'help' && [on.constrain, on.constrained]).toEqual(['vllm', true]);
    expect(() => parseCli([...base, '--constrain', 'ollama'])).toThrow(UsageError);
    expect(() => parseCli([...base, '--constrain', 'ollama'])).toThrow(
      /Choose from: off, llama\.cpp/,
    );
  });

  it('vllm: every judging request carries the J1 verdict grammar in structured_outputs; recorded as grammar', async () => {
    const server = await cli.server({ handler: honouring('structured_outputs') });
    const out = cli.path('vllm.out');
    const r = await runCli([
      ...judgeArgs(dataset(3), server.url, out, '--concurrency', '2', '--quiet'),
      '--constrain',
      'vllm',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const t = getTemplate('j1-pairwise')!;
    const judging = server.requests.filter((q) => JSON.stringify(q.body).includes('Question'));
    expect(judging).toHaveLength(6);
    const grammars = new Set(
      judging.map((q) => (q.body?.structured_outputs as { grammar?: string } | undefined)?.grammar),
    );
    expect([...grammars]).toEqual([t.verdictGrammar!({ order: 'AB', thinkingModel: false })]);
    const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
    const judgments = lines
      .map((l) => JSON.parse(l) as { kind?: string; record?: { params?: { constraint?: string } } })
      .filter((l) => l.kind === 'judgment');
    expect(judgments).toHaveLength(6);
    for (const j of judgments) expect(j.record?.params?.constraint).toBe('grammar');
  });

  it('a server that ignores the field: exit 2 before judging, naming the flag', async () => {
    const server = await cli.server({ handler: honouring('structured_outputs') });
    const r = await runCli(
      judgeArgs(dataset(2), server.url, cli.path('ignored.out'), '--constrain', 'llama.cpp'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--constrain llama\.cpp: the server did not follow a grammar: the server ignored grammar/,
    );
    expect(server.requests.some((q) => JSON.stringify(q.body).includes('Question'))).toBe(false);
  });
});
