// `arbiter batch prepare|ingest` (built CLI) against a local server: the round trip, the live body, partial results finished by a live resume.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  isRowError,
  parseWorkspaceHeader,
  parseWorkspaceLine,
  type WorkspaceRecord,
} from '../../src/lib/data/workspace';
import type { JudgmentRecord, RunRecord } from '../../src/lib/store/schema';
import { parseManifest } from '../../src/lib/run/batch-ingest';
import { judgeFlags } from '../../cli/batch';
import { buildCli, judgeArgs, runCli } from '../support/cli-process';
import { startOpenAIServer, type TestServer } from '../support/openai-server';
import { runFakeBatch } from '../support/batch-runner';

let server: TestServer | null = null;
let dir = '';

beforeAll(() => {
  buildCli();
  dir = mkdtempSync(join(tmpdir(), 'arbiter-batch-'));
}, 120_000);

afterEach(async () => {
  await server?.close();
  server = null;
});

function dataset(n: number, name: string): string {
  const lines = Array.from({ length: n }, (_, i) => {
    const goodFirst = i % 3 !== 0;
    return JSON.stringify({
      id: `q${i}`,
      prompt: `Question ${i}: what is ${i} + ${i}?`,
      response_a: goodFirst ? `GOOD ${2 * i}` : `BAD ${i}`,
      response_b: goodFirst ? `BAD ${i + 1}` : `GOOD ${2 * i}`,
      label: goodFirst ? 'A' : 'B',
    });
  });
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function readOut(path: string): WorkspaceRecord[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  expect(isRowError(parseWorkspaceHeader(lines[0]!))).toBe(false);
  return lines.slice(1).map((l, i) => {
    const r = parseWorkspaceLine(l, i + 2);
    if (isRowError(r)) throw new Error(`line ${r.line}: ${r.reason}`);
    return r;
  });
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
    server = await startOpenAIServer();
    const input = dataset(6, 'round.jsonl');
    const requests = join(dir, 'round.requests.jsonl');
    const p = await runCli(['batch', 'prepare', input, '--model', 'test-judge', '-o', requests]);
    expect(p.stderr).toContain('Wrote 12 requests for 6 items');
    expect(p.code).toBe(0);
    const manifest = parseManifest(readFileSync(join(dir, 'round.requests.manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ items: 6, judgments: 12, input: 'round.jsonl' });
    const results = join(dir, 'round.results.jsonl');
    expect(await runFakeBatch(requests, results, server.url, { shuffleSeed: 7 })).toBe(12);
    const out = join(dir, 'round.workspace.jsonl');
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
    const live = join(dir, 'round.live.jsonl');
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
    server = await startOpenAIServer();
    const input = dataset(5, 'part.jsonl');
    const requests = join(dir, 'part.requests.jsonl');
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
    const manifest = parseManifest(readFileSync(join(dir, 'part.requests.manifest.json'), 'utf8'));
    const results = join(dir, 'part.results.jsonl');
    // The batch stopped: three requests never ran.
    const skipped = new Set<string>();
    await runFakeBatch(requests, results, server.url, {
      format: 'openai',
      skip: (i, id) => (i % 3 === 1 ? (skipped.add(id), true) : false),
    });
    expect(skipped.size).toBe(3);
    const out = join(dir, 'part.workspace.jsonl');
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
    const requests = join(dir, 'bad.requests.jsonl');
    expect((await runCli(['batch', 'prepare', input, '-o', requests])).code).toBe(2);
    const p = await runCli(['batch', 'prepare', input, '--model', 'm', '-o', requests, '-q']);
    expect(p.code).toBe(0);
    const results = join(dir, 'bad.results.jsonl');
    writeFileSync(results, '');
    const noManifest = await runCli([
      'batch',
      'ingest',
      requests,
      results,
      '--out',
      join(dir, 'x.jsonl'),
      '--manifest',
      join(dir, 'nope.json'),
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
      join(dir, 'x.jsonl'),
    ]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain('not the file the batch was prepared from');
  });
});
