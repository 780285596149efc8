// Cache manager against the real Cache API: entries seeded into web-llm's caches are listed, sized and deleted.
import { afterEach, describe, expect, it } from 'vitest';
import {
  cachedModel,
  deleteModelFiles,
  listCachedModels,
  storageState,
  WEBLLM_CACHES,
} from '../../src/lib/engine/cache';
import type { ModelSpec } from '../../src/lib/engine/types';

const spec: ModelSpec = {
  modelId: 'Seeded-q4f32_1-MLC',
  modelUrl: 'https://models.example/Seeded-q4f32_1-MLC',
  modelLibUrl: 'https://libs.example/Seeded-q4f32_1-webgpu.wasm',
  contextWindow: 4096,
  thinking: false,
};
const other: ModelSpec = {
  ...spec,
  modelId: 'Other',
  modelUrl: 'https://models.example/Seeded-q4f32_1-MLC-other',
  modelLibUrl: 'https://libs.example/other.wasm',
};
const base = 'https://models.example/Seeded-q4f32_1-MLC/resolve/main/';

async function put(
  cache: string,
  url: string,
  body: BodyInit,
  headers: Record<string, string> = {},
) {
  await (await caches.open(cache)).put(new Request(url), new Response(body, { headers }));
}

const CONFIG = '{"tokenizer_files":["tokenizer.json"]}';

async function seedComplete() {
  await put('webllm/config', base + 'mlc-chat-config.json', CONFIG);
  await put('webllm/wasm', spec.modelLibUrl, new Uint8Array(1000));
  await put('webllm/model', base + 'tokenizer.json', '{}');
  await put(
    'webllm/model',
    base + 'tensor-cache.json',
    JSON.stringify({
      records: [{ dataPath: 'params_shard_0.bin' }, { dataPath: 'params_shard_1.bin' }],
    }),
  );
  await put('webllm/model', base + 'params_shard_0.bin', new Uint8Array(4096));
  // A response whose Content-Length is what counts, as web-llm's real downloads have.
  await put('webllm/model', base + 'params_shard_1.bin', new Uint8Array(10), {
    'content-length': '10',
  });
  // A neighbour whose URL starts with ours but is another folder must not be counted or deleted.
  await put(
    'webllm/model',
    'https://models.example/Seeded-q4f32_1-MLC-other/resolve/main/params_shard_0.bin',
    new Uint8Array(7),
  );
}

afterEach(async () => {
  for (const c of WEBLLM_CACHES) await caches.delete(c);
});

describe('cache manager', () => {
  it('lists a seeded model with its size and sees that it is complete', async () => {
    await seedComplete();
    const [m] = await listCachedModels([
      spec,
      {
        ...spec,
        modelId: 'absent',
        modelUrl: 'https://nowhere.example/x',
        modelLibUrl: 'https://nowhere.example/x.wasm',
      },
    ]);
    expect(m).toBeDefined();
    expect(m!.modelId).toBe(spec.modelId);
    expect(m!.entries).toBe(6);
    const manifestBytes = JSON.stringify({
      records: [{ dataPath: 'params_shard_0.bin' }, { dataPath: 'params_shard_1.bin' }],
    }).length;
    expect(m!.bytes).toBe(CONFIG.length + 1000 + 2 + manifestBytes + 4096 + 10);
    expect(m!.complete).toBe(true);
  });

  it('reports incomplete when a shard named in the manifest is missing', async () => {
    await seedComplete();
    await (await caches.open('webllm/model')).delete(base + 'params_shard_1.bin');
    expect((await cachedModel(spec)).complete).toBe(false);
  });

  it('deletes every file of one model in all three caches and nothing of its neighbour', async () => {
    await seedComplete();
    expect(await deleteModelFiles(spec)).toBe(6);
    expect(await cachedModel(spec)).toMatchObject({ entries: 0, bytes: 0 });
    for (const name of WEBLLM_CACHES) {
      const urls = (await (await caches.open(name)).keys()).map((r) => r.url);
      expect(urls.filter((u) => u.startsWith(base) || u === spec.modelLibUrl)).toEqual([]);
    }
    expect((await cachedModel(other)).entries).toBe(1);
  });

  it('reads storage usage and quota', async () => {
    const s = await storageState();
    expect(s.quotaBytes).toBeGreaterThan(0);
    expect(s.usageBytes).not.toBeNull();
    expect(typeof s.persisted).toBe('boolean');
  });
});
