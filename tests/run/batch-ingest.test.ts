// Batch files: request lines under the Batch API's rules, and results of vLLM run-batch and the OpenAI Batch API, read by hand-written fixtures.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readInput, type Input } from '../../cli/input';
import { buildRequest, getTemplate, type Template } from '../../src/lib/judge';
import { DEFAULT_CAPABILITIES, OpenAIEngine } from '../../src/lib/engine/openai-engine';
import {
  ARBITER_VERSION,
  BATCH_CAPABILITIES,
  batchContext,
  batchRequestLines,
  requestLineProblem,
  type PrepareCounts,
} from '../../src/lib/run/batch-files';
import {
  BatchManifestError,
  ingestBatch,
  parseManifest,
  type IngestSource,
} from '../../src/lib/run/batch-ingest';
import { judgeConfig, planJudgments } from '../../src/lib/run/pair';
import { useSyncSha256 } from '../../src/lib/store/key';
import { workspaceHeader, workspaceLine } from '../../src/lib/data/workspace';
import { importWorkspace } from '../../src/lib/run/workspace-io';
import { createRepositories } from '../../src/lib/store';
import { openTestDb } from '../store/fixtures';

const dir = new URL('./fixtures/batch/', import.meta.url).pathname;
const read = (f: string) => readFileSync(dir + f, 'utf8');
const manifest = parseManifest(read('requests.manifest.json'));
let input: Input;

beforeAll(async () => {
  useSyncSha256((t) => createHash('sha256').update(t, 'utf8').digest('hex'));
  input = await readInput(dir + 'data.jsonl');
});
afterAll(() => useSyncSha256(null));

const source = (results: string, extra: Partial<IngestSource> = {}): IngestSource => ({
  manifest,
  items: input.items,
  requests: read('requests.jsonl').split('\n'),
  results: results.split('\n'),
  ...extra,
});

/** custom_id → [row, order] as the fixture's requests were prepared (hand-checked against the prompts). */
const K = {
  p1AB: '5cb3c76e6b2902fa4c2c49728895f01e9ce988fff3acc7ff5f4514460cf662fe',
  p1BA: 'f3d9b217c3adea84e3d74dcc9a4119c0c9dad491ff9e13a2f26b014dac4e559f',
  p2AB: 'daf996ed30875aa3d69afe6a64b4be196ae3695cb72c841c83d409b923c3dca8',
  p2BA: '7ba1c8c78832deb0521ae19271e102620054095e16e2b2e1040589fa7259c5ac',
  p3AB: '4a48a172b4e222e16162afaa37f0b70b6641d054217fd4d33d4453f68622dfec',
  p3BA: 'cfb8bb55f995e55881a047ab1e3463b71d27f01e8ddfdad68039ada39b18409c',
};

describe('prepare', () => {
  test('the request lines are the frozen file: custom_id is the judgment key, one line each', async () => {
    const s = {
      template: getTemplate('j1-pairwise') as Template,
      options: manifest.options,
      model: { engine: 'openai' as const, modelId: 'Qwen/Qwen3-8B', thinking: false },
    };
    const counts: PrepareCounts = { items: 0, judgments: 0 };
    const lines: string[] = [];
    for await (const l of batchRequestLines(s, input.items, counts)) lines.push(l);
    expect(lines.join('')).toBe(read('requests.jsonl'));
    expect(counts).toEqual({ items: 3, judgments: 6 });
    const keys = (await Promise.all(input.items.map((i) => planJudgments(batchContext(s, i)))))
      .flat()
      .map((p) => p.key);
    expect(lines.map((l) => (JSON.parse(l) as { custom_id: string }).custom_id)).toEqual(keys);
    expect(Object.values(K)).toEqual(keys);
  });

  test('every line keeps the Batch API rules: unique custom_id, POST, the chat url, a body with model and messages', () => {
    const lines = read('requests.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines.map(requestLineProblem)).toEqual(lines.map(() => null));
    expect(new Set(lines.map((l) => (l as { custom_id: string }).custom_id)).size).toBe(6);
    const ok = lines[0] as Record<string, unknown>;
    const body = ok.body as Record<string, unknown>;
    expect(requestLineProblem({ ...ok, method: 'GET' })).toMatch(/POST/);
    expect(requestLineProblem({ ...ok, url: '/v1/completions' })).toMatch(/url/);
    expect(requestLineProblem({ ...ok, custom_id: '' })).toMatch(/custom_id/);
    expect(requestLineProblem({ ...ok, body: { ...body, model: undefined } })).toMatch(/model/);
    expect(requestLineProblem({ ...ok, body: { ...body, messages: [] } })).toMatch(/messages/);
    expect(requestLineProblem({ ...ok, body: { ...body, stream: true } })).toMatch(/stream/);
  });

  test('a body is the one the live engine sends unstreamed for the same request', async () => {
    const template = getTemplate('j1-pairwise') as Template;
    const s = {
      template,
      options: { ...manifest.options, constrained: true, logprobs: true, samples: 2 },
      model: { engine: 'openai' as const, modelId: 'm', thinking: true },
    };
    const counts: PrepareCounts = { items: 0, judgments: 0 };
    const lines: { custom_id: string; body: unknown }[] = [];
    for await (const l of batchRequestLines(s, input.items.slice(0, 1), counts))
      lines.push(JSON.parse(l) as { custom_id: string; body: unknown });
    expect(lines).toHaveLength(4);
    const engine = new OpenAIEngine({ endpoint: 'http://127.0.0.1:1/v1' });
    engine.capabilities = { ...BATCH_CAPABILITIES };
    engine.loaded = { spec: { ...openaiSpec('m') }, loadMs: 0 };
    const ctx = batchContext(s, input.items[0]!);
    const plan = await planJudgments(ctx);
    for (const [i, p] of plan.entries()) {
      const req = buildRequest(ctx.item, judgeConfig(ctx), p.order, p.sample);
      expect(lines[i]).toEqual({ ...lines[i], custom_id: p.key, body: engine.body(req, false) });
    }
    // Constrained, thinking, sampled: what the options change reaches the body.
    expect(lines[1]!.body).toMatchObject({
      seed: 43,
      temperature: 1,
      logprobs: true,
      top_logprobs: 5,
      chat_template_kwargs: { enable_thinking: false },
      response_format: { type: 'json_schema' },
    });
    expect(DEFAULT_CAPABILITIES.jsonSchema).toBe(true);
  });

  test('the manifest carries the version of package.json', () => {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      version: string;
    };
    expect(ARBITER_VERSION).toBe(pkg.version);
    expect(manifest.arbiter).toBe(pkg.version);
  });
});

function openaiSpec(modelId: string) {
  return {
    engine: 'openai' as const,
    modelId,
    modelUrl: 'http://127.0.0.1:1/v1',
    modelLibUrl: '',
    contextWindow: 8192,
    thinking: false,
  };
}

describe('ingest', () => {
  test('vLLM run-batch results, out of order: answers, a 400 with its error, an unknown id, a duplicate, a truncated last line', async () => {
    const r = await ingestBatch(source(read('vllm-results.jsonl')));
    expect(r.counts).toEqual({ requests: 6, resultLines: 8, judged: 4, failed: 1, missing: 1 });
    expect(r.problems.map((p) => [p.line, p.kind])).toEqual([
      [4, 'unknown'],
      [5, 'http'],
      [6, 'duplicate'],
      [8, 'malformed'],
    ]);
    expect(r.problems[1]!.message).toMatch(/^HTTP 400: .*maximum context length is 4096/);
    // Sorted by row and order whatever the file's order; verdicts mapped back to the rows' A/B.
    expect(r.judgments.map((j) => [j.key, j.order, j.verdict, j.rawVerdict])).toEqual([
      [K.p1AB, 'AB', 'A', 'A'],
      [K.p1BA, 'BA', 'A', 'B'],
      [K.p2BA, 'BA', 'B', 'A'],
      [K.p3AB, 'AB', 'A', 'A'],
    ]);
    // The first answer of a duplicated custom_id is kept ([[A]], not the second's [[B]]).
    expect(r.judgments[0]!.text).toBe(
      '<think>2 + 2 is 4, so A is right.</think> <answer>[[A]]</answer>',
    );
    // vLLM's reasoning parser splits the thinking off; it is kept in the text, as live runs keep it.
    expect(r.judgments[2]!.text).toBe(
      '<think>Paris is the capital; Lyon is not.</think><answer>[[A]]</answer>',
    );
    expect(r.judgments[0]!.usage).toMatchObject({ promptTokens: 112, completionTokens: 19 });
    expect(r.run).toMatchObject({
      id: manifest.runId,
      datasetId: manifest.datasetId,
      status: 'paused',
      progress: { total: 6, done: 4, failed: 1, items: 3 },
    });
    expect(r.run.failures).toEqual([
      {
        itemId: input.items[1]!.id,
        index: 1,
        order: 'AB',
        sample: 0,
        kind: 'error',
        reason: r.problems[1]!.message,
        at: Date.parse(manifest.createdAt),
      },
    ]);
    // By hand: p1 A in both orders (label A: right), p2 only BA → B (label B: right), p3 AB → A (right).
    expect(r.run.summary).toMatchObject({
      items: 3,
      judgedItems: 3,
      judgments: 4,
      parseFailures: 0,
      verdicts: { A: 2, B: 1, tie: 0, none: 0 },
    });
  });

  test('OpenAI Batch API results: an error object, a 500 with its body, a truncated answer that fails to parse', async () => {
    const r = await ingestBatch(source(read('openai-results.jsonl')));
    expect(r.counts).toEqual({ requests: 6, resultLines: 6, judged: 4, failed: 2, missing: 0 });
    expect(r.problems.map((p) => [p.line, p.kind, p.message])).toEqual([
      [
        4,
        'error',
        'batch_expired: This request could not be executed before the completion window expired.',
      ],
      [
        6,
        'http',
        'HTTP 500: The server had an error while processing your request. Sorry about that!',
      ],
    ]);
    const byKey = new Map(r.judgments.map((j) => [j.key, j]));
    expect(byKey.get(K.p2AB)).toMatchObject({
      parse: 'failed',
      verdict: null,
      finishReason: 'length',
    });
    expect(byKey.get(K.p3BA)).toMatchObject({ verdict: 'A', rawVerdict: 'B', parse: 'ok' });
    expect(r.run.summary).toMatchObject({ judgments: 4, parseFailures: 1 });
    expect(r.run.status).toBe('paused');
  });

  test('ingesting the same files twice gives the same records, ids and times included; line order does not matter', async () => {
    const a = await ingestBatch(source(read('vllm-results.jsonl')));
    const b = await ingestBatch(source(read('vllm-results.jsonl')));
    expect(b).toEqual(a);
    expect(new Set(a.judgments.map((j) => j.id)).size).toBe(a.judgments.length);
    // Without the duplicate (whose first copy wins), any order of the lines gives the same run.
    const lines = read('vllm-results.jsonl').split('\n');
    lines.splice(5, 1);
    const c = await ingestBatch(source(lines.reverse().join('\n')));
    expect(c.judgments).toEqual(a.judgments);
    expect(c.run).toEqual(a.run);
  });

  test('a dataset that changed since the prepare is refused, naming the file', async () => {
    const items = input.items.map((i, n) => (n === 2 ? { ...i, responseB: 'tcа' } : i));
    await expect(ingestBatch(source(read('vllm-results.jsonl'), { items }))).rejects.toThrow(
      BatchManifestError,
    );
    expect(() => parseManifest('{"type":"something-else"}')).toThrow(
      /Not an Arbiter batch manifest/,
    );
  });

  test('the ingested run imports into the store and reads back as a run with its judgments', async () => {
    const r = await ingestBatch(source(read('openai-results.jsonl')));
    const lines = [
      JSON.stringify(workspaceHeader('arbiter-cli', new Date(manifest.createdAt))),
      workspaceLine({ kind: 'dataset', record: input.dataset }),
      ...input.items.map((record) => workspaceLine({ kind: 'item', record })),
      workspaceLine({ kind: 'run', record: r.run }),
      ...r.judgments.map((record) => workspaceLine({ kind: 'judgment', record })),
    ].map((l) => l.replace(/\n$/, ''));
    const t = await openTestDb();
    try {
      const repos = createRepositories(t.db);
      const rep = await importWorkspace(repos, lines);
      expect(rep.errors).toEqual([]);
      expect(rep.added).toMatchObject({ dataset: 1, item: 3, run: 1, judgment: 4 });
      expect(rep.summariesRebuilt).toBe(0);
      expect((await repos.judgments.byRun(manifest.runId)).length).toBe(4);
      const again = await importWorkspace(repos, lines);
      expect(again.added).toMatchObject({ judgment: 0, run: 0 });
    } finally {
      await t.close();
    }
  });
});
