// The app's batch files against a real (fake-indexeddb) store: export a run's unjudged work, import its results, finish a partial batch.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { getTemplate, type Template } from '../../src/lib/judge';
import { createRepositories, type ItemRecord, type Repositories } from '../../src/lib/store';
import { newBatchRun } from '../../src/lib/run/batch';
import { exportBatchFiles, importBatchFiles, BatchFilesError } from '../../src/lib/run/batch-app';
import { parseManifest } from '../../src/lib/run/batch-ingest';
import { batchFileRole } from '../../src/lib/state/batch-files.svelte';
import { makeDataset, makeItem, openTestDb } from '../store/fixtures';

let t: Awaited<ReturnType<typeof openTestDb>>;
let repos: Repositories;

beforeEach(async () => {
  t = await openTestDb();
  repos = createRepositories(t.db);
});
afterEach(async () => {
  await t.close();
});

const N = 5;
async function seed(engine: 'openai' | 'webllm' = 'openai') {
  const items: ItemRecord[] = Array.from({ length: N }, (_, i) =>
    makeItem({ id: `it-${i}`, index: i, prompt: `Q${i}`, label: i % 2 ? 'B' : 'A' }),
  );
  await repos.datasets.import(makeDataset({ itemCount: N }), items);
  const template = getTemplate('j1-pairwise') as Template;
  const run = newBatchRun({
    datasetId: 'ds-1',
    template,
    model: { engine, modelId: 'Qwen/Qwen3-8B', thinking: false },
    options: {
      bothOrders: true,
      allowTie: true,
      samples: 1,
      temperature: null,
      seed: 42,
      maxTokens: 512,
      logprobs: false,
      constrained: false,
    },
    filter: {},
  });
  await repos.runs.put({ ...run, status: 'paused' });
  return run;
}

/** vLLM result lines answering every request "[[A]]" as shown: A in order AB, B in order BA. */
async function answer(requests: Blob, drop = new Set<number>()): Promise<Blob> {
  const lines = (await requests.text()).trim().split('\n');
  const out = lines.flatMap((l, i) => {
    if (drop.has(i)) return [];
    const { custom_id } = JSON.parse(l) as { custom_id: string };
    const body = {
      id: `chatcmpl-${i}`,
      object: 'chat.completion',
      created: 1764590400,
      model: 'Qwen/Qwen3-8B',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: '<think>A reads better.</think> <answer>[[A]]</answer>',
          },
          logprobs: null,
          finish_reason: 'stop',
          stop_reason: null,
        },
      ],
      usage: { prompt_tokens: 100, total_tokens: 110, completion_tokens: 10 },
    };
    return [
      JSON.stringify({
        id: `vllm-${i}`,
        custom_id,
        response: { status_code: 200, request_id: `vllm-batch-${i}`, body },
        error: null,
      }),
    ];
  });
  return new Blob([out.join('\n') + '\n']);
}

test('export → results → import: the run is done, each judgment once, the summary as computed by hand', async () => {
  const run = await seed();
  const files = await exportBatchFiles(repos, run, new Date('2026-12-01T00:00:00Z'));
  expect(files.counts).toEqual({ items: N, judgments: 2 * N });
  expect(files.requests.name).toMatch(/\.requests\.jsonl$/);
  expect(files.manifest.name).toBe(files.requests.name.replace('.jsonl', '.manifest.json'));
  const manifest = parseManifest(await files.manifest.blob.text());
  expect(manifest).toMatchObject({ runId: run.id, datasetId: 'ds-1', input: 'LLMBar natural' });
  const results = await answer(files.requests.blob);
  const r = await importBatchFiles(repos, {
    results,
    manifest: files.manifest.blob,
    requests: files.requests.blob,
  });
  expect(r).toMatchObject({ runId: run.id, created: false, added: 2 * N });
  expect(r.counts).toEqual({
    requests: 2 * N,
    resultLines: 2 * N,
    judged: 2 * N,
    failed: 0,
    missing: 0,
  });
  const stored = await repos.runs.get(run.id);
  expect(stored).toMatchObject({ status: 'done', progress: { done: 2 * N, total: 2 * N } });
  // "[[A]]" in both orders is A then B on the item: every item flipped, which counts as a tie.
  expect(stored!.summary).toMatchObject({
    judgments: 2 * N,
    verdicts: { A: 0, B: 0, tie: N, none: 0 },
  });
  expect((stored!.summary as { consistency: Record<string, number> }).consistency).toEqual({
    flipped: N,
  });
  expect(await repos.judgments.count(run.id)).toBe(2 * N);
  // Importing the same files again adds nothing.
  const again = await importBatchFiles(repos, {
    results,
    manifest: files.manifest.blob,
    requests: files.requests.blob,
  });
  expect(again.added).toBe(0);
  // Without the requests file the requests are the run's work not stored: none, so none match.
  const bare = await importBatchFiles(repos, { results, manifest: files.manifest.blob });
  expect(bare).toMatchObject({ added: 0, counts: { requests: 0, judged: 0 } });
  expect(bare.problems.every((p) => p.kind === 'unknown')).toBe(true);
  expect(await repos.judgments.count(run.id)).toBe(2 * N);
  // Nothing left to send.
  await expect(exportBatchFiles(repos, (await repos.runs.get(run.id))!)).rejects.toThrow(
    /already stored/,
  );
});

test('a partial batch: the run stays paused; the next export holds only the missing requests', async () => {
  const run = await seed();
  const first = await exportBatchFiles(repos, run);
  const r = await importBatchFiles(repos, {
    results: await answer(first.requests.blob, new Set([1, 6])),
    manifest: first.manifest.blob,
  });
  expect(r.counts).toMatchObject({ judged: 2 * N - 2, missing: 2 });
  const paused = (await repos.runs.get(run.id))!;
  expect(paused).toMatchObject({ status: 'paused', progress: { done: 2 * N - 2 } });
  expect(paused.error).toMatch(/2 of 10 judgments/);
  const second = await exportBatchFiles(repos, paused);
  expect(second.counts.judgments).toBe(2);
  const missingIds = (await first.requests.blob.text())
    .trim()
    .split('\n')
    .filter((_, i) => i === 1 || i === 6);
  expect((await second.requests.blob.text()).trim().split('\n')).toEqual(missingIds);
  const done = await importBatchFiles(repos, {
    results: await answer(second.requests.blob),
    manifest: second.manifest.blob,
    requests: second.requests.blob,
  });
  expect(done.added).toBe(2);
  expect(await repos.runs.get(run.id)).toMatchObject({ status: 'done', progress: { done: 2 * N } });
});

test('a batch whose run this browser lacks creates it on the dataset with the same items', async () => {
  const run = await seed();
  const files = await exportBatchFiles(repos, run);
  const manifest = JSON.parse(await files.manifest.blob.text()) as Record<string, unknown>;
  // As the CLI would write it: another run id and dataset id, the same items.
  const cli = { ...manifest, runId: 'cli-0123456789abcdef', datasetId: 'cli-feedfacefeedface' };
  const r = await importBatchFiles(repos, {
    results: await answer(files.requests.blob),
    manifest: new Blob([JSON.stringify(cli)]),
    requests: files.requests.blob,
  });
  expect(r).toMatchObject({ created: true, runId: 'cli-0123456789abcdef', added: 2 * N });
  expect(await repos.runs.get('cli-0123456789abcdef')).toMatchObject({
    datasetId: 'ds-1',
    status: 'done',
  });
  await repos.datasets.delete('ds-1');
  await expect(
    importBatchFiles(repos, {
      results: await answer(files.requests.blob),
      manifest: new Blob([JSON.stringify({ ...cli, runId: 'cli-other' })]),
    }),
  ).rejects.toThrow(/Import the dataset first/);
});

test('a run on another engine says why it has no batch files', async () => {
  const run = await seed('webllm');
  await expect(exportBatchFiles(repos, run)).rejects.toThrow(BatchFilesError);
  await expect(exportBatchFiles(repos, run)).rejects.toThrow(/OpenAI-compatible server/);
});

test('the chosen files are told apart by content', async () => {
  const run = await seed();
  const files = await exportBatchFiles(repos, run);
  const named = (b: Blob, name: string) => Object.assign(b, { name });
  expect(await batchFileRole(named(files.manifest.blob, 'm.json'))).toBe('manifest');
  expect(await batchFileRole(named(files.requests.blob, 'a.jsonl'))).toBe('requests');
  expect(await batchFileRole(named(await answer(files.requests.blob), 'b.jsonl'))).toBe('results');
  expect(await batchFileRole(named(new Blob(['{"a":1}']), 'c.jsonl'))).toBe('unknown');
});
