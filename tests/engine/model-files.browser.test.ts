// Seeding model files into web-llm's caches and model packs, in real Chromium with the real Cache API.
import { afterEach, describe, expect, test } from 'vitest';
import {
  cachedModelFiles,
  LOCAL_MODEL_ORIGIN,
  planSeed,
  seedModel,
  type ModelFile,
} from '../../src/lib/engine/model-files';
import { readTar, writeTar } from '../../src/lib/engine/model-pack';
import { cachedModel, deleteModelFiles, WEBLLM_CACHES } from '../../src/lib/engine/cache';
import { AbortedError } from '../../src/lib/engine/errors';
import { findCatalogEntry } from '../../src/lib/engine/catalog';
import type { ModelSpec } from '../../src/lib/engine/types';
import { fakeModelFiles, type FakeFile, type FakeModelOptions } from '../support/fake-model';

function asFiles(fake: FakeFile[], folder = 'MyJudge-q4f32_1-MLC'): ModelFile[] {
  return fake.map((f) => {
    const blob = new Blob([f.bytes as Uint8Array<ArrayBuffer>]);
    return { path: `${folder}/${f.path}`, size: blob.size, blob: () => blob };
  });
}

const files = (o: FakeModelOptions = {}, drop: string[] = []) =>
  asFiles(fakeModelFiles(o).filter((f) => !drop.includes(f.path)));

async function sha(blob: Blob): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

afterEach(async () => {
  for (const name of WEBLLM_CACHES) await caches.delete(name);
});

describe('planSeed names what is wrong', () => {
  const cases: [string, ModelFile[], string, RegExp][] = [
    [
      'no config',
      files({}, ['mlc-chat-config.json']),
      'MissingModelFileError',
      /mlc-chat-config\.json is missing/,
    ],
    [
      'no tensor cache',
      files({}, ['tensor-cache.json']),
      'MissingModelFileError',
      /tensor-cache\.json .* is missing/,
    ],
    [
      'a shard listed but missing',
      files({}, ['params_shard_1.bin']),
      'MissingModelFileError',
      /1 of 2 weight files .* missing: params_shard_1\.bin/,
    ],
    [
      'no tokenizer',
      files({}, ['tokenizer.json']),
      'MissingModelFileError',
      /tokenizer\.json is missing/,
    ],
    [
      'no library',
      files({}, ['MyJudge-q4f32_1-webgpu.wasm']),
      'MissingModelFileError',
      /model library \(\.wasm\) is missing/,
    ],
    [
      'library is not wasm',
      files({ lib: new TextEncoder().encode('<!doctype html>') }),
      'ModelLibraryMismatchError',
      /not a WebAssembly library/,
    ],
    [
      'library for another quantization',
      files({ libName: 'MyJudge-q4f16_1-webgpu.wasm' }),
      'ModelLibraryMismatchError',
      /built for q4f16_1 weights, but these weights are q4f32_1/,
    ],
    [
      'library for another web-llm version',
      files({ libName: 'v0_2_48/MyJudge-q4f32_1-webgpu.wasm' }),
      'ModelLibraryMismatchError',
      /built for web-llm 0\.2\.48/,
    ],
    [
      'weights of another model',
      files({ vocab: 32, weightsVocab: 151936 }),
      'ModelWeightsMismatchError',
      /vocabulary of 151,936 tokens, but mlc-chat-config\.json says 32/,
    ],
  ];
  test.each(cases)('%s', async (_name, input, errorName, message) => {
    const err = await planSeed(input).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.name).toBe(errorName);
    expect(err?.message).toMatch(message);
    expect((err as { hint?: string }).hint).toMatch(/\w/);
  });

  test('a shard of the wrong size', async () => {
    const fake = fakeModelFiles();
    const shard = fake.find((f) => f.path === 'params_shard_0.bin');
    if (shard) shard.bytes = shard.bytes.slice(0, 100);
    await expect(planSeed(asFiles(fake))).rejects.toMatchObject({
      name: 'ModelFileMismatchError',
      message: expect.stringMatching(
        /params_shard_0\.bin is 100 bytes, but tensor-cache\.json says 1,500/,
      ),
    });
  });

  test('weights of another quantization than the chosen catalog model', async () => {
    const target = findCatalogEntry('Qwen3-1.7B-q4f16_1-MLC') as ModelSpec;
    await expect(planSeed(files({ libName: 'x.wasm' }), { target })).rejects.toMatchObject({
      name: 'ModelWeightsMismatchError',
    });
  });
});

describe('seeding', () => {
  test('a folder with an unknown name becomes a local model whose files sit where web-llm looks', async () => {
    const plan = await planSeed(files());
    expect(plan.localSpec).toBe(true);
    expect(plan.spec.modelId).toBe('MyJudge-q4f32_1-MLC');
    expect(plan.spec.modelUrl).toBe(`${LOCAL_MODEL_ORIGIN}models/MyJudge-q4f32_1-MLC/`);
    expect(plan.spec.thinking).toBe(false);
    const progress: number[] = [];
    await seedModel(plan, { onProgress: (p) => progress.push(p.doneBytes) });
    expect(progress.at(-1)).toBe(plan.totalBytes);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    // The keys web-llm 0.2.86 asks for: config in webllm/config, library in webllm/wasm,
    // tensor-cache.json, tokenizer and shards in webllm/model, all under <model>/resolve/main/.
    const base = `${LOCAL_MODEL_ORIGIN}models/MyJudge-q4f32_1-MLC/resolve/main/`;
    const keys = async (name: string) =>
      (await (await caches.open(name)).keys()).map((r) => r.url).sort();
    expect(await keys('webllm/config')).toEqual([`${base}mlc-chat-config.json`]);
    expect(await keys('webllm/wasm')).toEqual([
      `${LOCAL_MODEL_ORIGIN}libs/MyJudge-q4f32_1-webgpu.wasm`,
    ]);
    expect(await keys('webllm/model')).toEqual(
      [
        'params_shard_0.bin',
        'params_shard_1.bin',
        'tensor-cache.json',
        'tokenizer.json',
        'tokenizer_config.json',
      ].map((f) => base + f),
    );
    const state = await cachedModel(plan.spec);
    expect(state.complete).toBe(true);
    expect(state.bytes).toBe(plan.totalBytes);
  });

  test('a folder named like a catalog model is filed under that model’s URLs; ndarray-cache.json is renamed', async () => {
    const entry = findCatalogEntry('Qwen2.5-1.5B-Instruct-q4f32_1-MLC') as ModelSpec;
    const fake = fakeModelFiles({
      libName: 'Qwen2-1.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm',
    }).map((f) => (f.path === 'tensor-cache.json' ? { ...f, path: 'ndarray-cache.json' } : f));
    const plan = await planSeed(asFiles(fake, entry.modelId), {
      known: (id) => (id === entry.modelId ? entry : undefined),
    });
    expect(plan.localSpec).toBe(false);
    await seedModel(plan);
    const model = await caches.open('webllm/model');
    expect(await model.match(`${entry.modelUrl}/resolve/main/tensor-cache.json`)).toBeDefined();
    expect(await (await caches.open('webllm/wasm')).match(entry.modelLibUrl)).toBeDefined();
    expect((await cachedModel(entry)).complete).toBe(true);
  });

  test('Stop removes what was stored', async () => {
    const plan = await planSeed(files());
    const abort = new AbortController();
    const run = seedModel(plan, {
      signal: abort.signal,
      onProgress: (p) => {
        if (p.filesDone === 2) abort.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(AbortedError);
    expect((await cachedModel(plan.spec)).entries).toBe(0);
  });
});

describe('model packs', () => {
  test('export to tar and import back gives the same bytes under the same keys', async () => {
    const plan = await planSeed(files());
    await seedModel(plan);
    const before = new Map<string, string>();
    for (const e of plan.entries) {
      const res = await (await caches.open(e.cache)).match(e.url);
      before.set(e.url, await sha(await (res as Response).blob()));
    }
    const exported = await cachedModelFiles(plan.spec);
    const tar = await writeTar(exported, plan.spec.modelId);
    expect(tar.size % 512).toBe(0);
    await deleteModelFiles(plan.spec);
    expect((await cachedModel(plan.spec)).entries).toBe(0);

    const back = await readTar(new Blob([await tar.arrayBuffer()]));
    expect(back.map((f) => f.path)).toContain(`${plan.spec.modelId}/arbiter-pack.json`);
    const again = await planSeed(back);
    expect(again.spec).toMatchObject({
      modelId: plan.spec.modelId,
      modelUrl: plan.spec.modelUrl,
      modelLibUrl: plan.spec.modelLibUrl,
    });
    await seedModel(again);
    for (const e of again.entries) {
      const res = await (await caches.open(e.cache)).match(e.url);
      expect(await sha(await (res as Response).blob())).toBe(before.get(e.url));
    }
    expect(again.entries.length).toBe(plan.entries.length);
  });

  test('long paths survive the tar format (ustar prefix)', async () => {
    const long = `${'deep/'.repeat(30)}params_shard_0.bin`;
    const blob = new Blob(['hello']);
    const tar = await writeTar([{ path: long, size: 5, blob: () => blob }], 'm');
    const [f] = await readTar(tar);
    expect(f?.path).toBe(`m/${long}`);
    expect(await (await (f as ModelFile).blob()).text()).toBe('hello');
  });

  test('a file that is not a tar archive is refused by name', async () => {
    await expect(readTar(new Blob(['x'.repeat(2048)]))).rejects.toMatchObject({
      name: 'ModelFileMismatchError',
    });
  });

  test('exporting a model that is not fully cached says which file is missing', async () => {
    const plan = await planSeed(files());
    await seedModel(plan);
    await (
      await caches.open('webllm/model')
    ).delete(plan.entries.find((e) => e.file.path.endsWith('params_shard_1.bin'))?.url ?? '');
    await expect(cachedModelFiles(plan.spec)).rejects.toMatchObject({
      name: 'MissingModelFileError',
      message: expect.stringMatching(/params_shard_1\.bin/),
    });
  });
});
