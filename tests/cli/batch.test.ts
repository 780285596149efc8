// `arbiter batch prepare|ingest` (built CLI) against a local server: the round trip, the live body, partial results finished by a live resume.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isRowError, type WorkspaceRecord } from '../../src/lib/data/workspace';
import type { JudgmentRecord, RunRecord } from '../../src/lib/store/schema';
import { parseManifest } from '../../src/lib/run/batch-ingest';
import { judgeFlags } from '../../cli/batch';
import { judgeArgs, runCli } from '../support/cli-process';
import { cliSandbox, readWorkspace, sumRows } from '../support/cli-sandbox';
import type { TestServer } from '../support/openai-server';
import { runFakeBatch } from '../support/batch-runner';

const cli = cliSandbox('arbiter-batch-');
const dataset = (n: number, name: string) => cli.jsonl(name, sumRows(n));

function readOut(path: string): WorkspaceRecord[] {
  const { header, records } = readWorkspace(path);
  expect(isRowError(header)).toBe(false);
  return records;
}

const judgmentsOf = (recs: WorkspaceRecord[]) =>
  recs.filter((r) => r.kind === 'judgment').map((r) => r.record as JudgmentRecord);
const lastRun = (recs: WorkspaceRecord[]) =>
  recs.filter((r) => r.kind === 'run').at(-1)!.record as RunRecord;
/** What a judgment says, without when it was made or how fast. */
const content = (j: JudgmentRecord) => ({
  runId: j.runId,
  itemId: j.itemId,
  key: j.key,
  order: j.order,
  text: j.text,
  verdict: j.verdict,
  parse: j.parse,
  params: j.params,
});
const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
const chatBodies = (s: TestServer) =>
  s.requests
    .filter((r) => r.path === '/v1/chat/completions')
    .map((r) => r.body)
    .filter((b) => JSON.stringify(b).includes('[User prompt]'));

describe('arbiter batch (built CLI)', { timeout: 90_000 }, () => {
  it('prepare → run-batch (a stand-in on the local server) → ingest gives the live run’s judgments; the bodies are the live ones', async () => {
    const server = await cli.server();
    const input = dataset(6, 'round.jsonl');
    const requests = cli.path('round.requests.jsonl');
    const p = await runCli(['batch', 'prepare', input, '--model', 'test-judge', '-o', requests]);
    expect(p.stderr).toContain('Wrote 12 requests for 6 items');
    expect(p.code).toBe(0);
    const manifest = parseManifest(readFileSync(cli.path('round.requests.manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ items: 6, judgments: 12, input: 'round.jsonl' });
    const results = cli.path('round.results.jsonl');
    expect(await runFakeBatch(requests, results, server.url, { shuffleSeed: 7 })).toBe(12);
    const out = cli.path('round.workspace.jsonl');
    const ing = await runCli(['batch', 'ingest', requests, results, '--out', out]);
    expect(ing.stderr).toBe('');
    expect(ing.code).toBe(0);
    expect(ing.stdout).toContain('12 of 12 requests judged, 0 failed, 0 without a result');

    // The live CLI on the same server at temperature 0: the same judgments, run id and keys.
    const batchBodies = readFileSync(requests, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { body: unknown }).body);
    server.requests.length = 0;
    const live = cli.path('round.live.jsonl');
    const r = await runCli(judgeArgs(input, `${server.url}/v1`, live, '-c', '4', '-q'));
    expect(r.code).toBe(0);
    const liveBodies = chatBodies(server);
    expect(liveBodies).toHaveLength(12);
    for (const b of batchBodies) expect(liveBodies).toContainEqual(b);
    const fromBatch = judgmentsOf(readOut(out)).map(content).sort(byKey);
    const fromLive = judgmentsOf(readOut(live)).map(content).sort(byKey);
    expect(fromBatch).toEqual(fromLive);
    expect(lastRun(readOut(out))).toMatchObject({ status: 'done', progress: { done: 12 } });
    expect(lastRun(readOut(out)).summary).toEqual(lastRun(readOut(live)).summary);

    // Idempotent: the same files again leave the file as it was, byte for byte.
    const before = readFileSync(out, 'utf8');
    const again = await runCli(['batch', 'ingest', requests, results, '--out', out]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Unchanged');
    expect(readFileSync(out, 'utf8')).toBe(before);
  });

  it('a partial results file leaves judgments unfinished; the printed arbiter judge finishes only those, live', async () => {
    const server = await cli.server();
    const input = dataset(5, 'part.jsonl');
    const requests = cli.path('part.requests.jsonl');
    const p = await runCli([
      'batch',
      'prepare',
      input,
      '--model',
      'test-judge',
      '--seed',
      '7',
      '--max-tokens',
      '300',
      '-o',
      requests,
      '-q',
    ]);
    expect(p.code).toBe(0);
    const manifest = parseManifest(readFileSync(cli.path('part.requests.manifest.json'), 'utf8'));
    const results = cli.path('part.results.jsonl');
    // The batch stopped: three requests never ran.
    const skipped = new Set<string>();
    await runFakeBatch(requests, results, server.url, {
      format: 'openai',
      skip: (i, id) => (i % 3 === 1 ? (skipped.add(id), true) : false),
    });
    expect(skipped.size).toBe(3);
    const out = cli.path('part.workspace.jsonl');
    const ing = await runCli(['batch', 'ingest', requests, results, '--out', out]);
    expect(ing.code).toBe(1);
    expect(ing.stdout).toContain('7 of 10 requests judged, 0 failed, 3 without a result');
    const partial = readOut(out);
    expect(lastRun(partial)).toMatchObject({ status: 'paused', progress: { total: 10, done: 7 } });
    expect(judgmentsOf(partial).some((j) => skipped.has(j.key))).toBe(false);
    const printed = ing.stdout.split('\n').find((l) => l.includes('arbiter judge'))!;
    expect(printed).toContain(judgeFlags(manifest).join(' '));
    expect(printed).toContain(`--resume ${out}`);

    server.requests.length = 0;
    const r = await runCli([
      'judge',
      input,
      '--endpoint',
      `${server.url}/v1`,
      ...judgeFlags(manifest),
      '--resume',
      out,
      '-c',
      '2',
      '-q',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 new judgments (7 resumed)');
    // Only the missing work reached the server.
    const sent = chatBodies(server);
    expect(sent).toHaveLength(3);
    const finished = readOut(out);
    const js = judgmentsOf(finished);
    expect(js).toHaveLength(10);
    expect(new Set(js.map((j) => j.key)).size).toBe(10);
    expect(new Set(js.map((j) => j.runId))).toEqual(new Set([manifest.runId]));
    expect(lastRun(finished)).toMatchObject({ status: 'done', progress: { done: 10 } });

    // Ingesting again would drop the live judgments: refused unless --force.
    const again = await runCli(['batch', 'ingest', requests, results, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    expect(judgmentsOf(readOut(out))).toHaveLength(10);
  });

  it('exit 2 with a clear message for a missing manifest, a changed dataset, bad arguments', async () => {
    const input = dataset(2, 'bad.jsonl');
    const requests = cli.path('bad.requests.jsonl');
    expect((await runCli(['batch', 'prepare', input, '-o', requests])).code).toBe(2);
    const p = await runCli(['batch', 'prepare', input, '--model', 'm', '-o', requests, '-q']);
    expect(p.code).toBe(0);
    const results = cli.path('bad.results.jsonl');
    writeFileSync(results, '');
    const noManifest = await runCli([
      'batch',
      'ingest',
      requests,
      results,
      '--out',
      cli.path('x.jsonl'),
      '--manifest',
      cli.path('nope.json'),
    ]);
    expect(noManifest.code).toBe(2);
    expect(noManifest.stderr).toContain('No manifest at');
    dataset(3, 'bad.jsonl'); // the dataset changes after the prepare
    const changed = await runCli([
      'batch',
      'ingest',
      requests,
      results,
      '--out',
      cli.path('x.jsonl'),
    ]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain('not the file the batch was prepared from');
  });
});
