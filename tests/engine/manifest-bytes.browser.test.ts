// The exact size of a web-llm model from its cached manifest, read from Chromium's real Cache API.
import { afterEach, expect, it } from 'vitest';
import { manifestBytes } from '../../src/lib/engine/cache';
import { resolvedModelUrl } from '../../src/lib/engine/webllm-adapt';

const spec = { modelUrl: 'https://example.invalid/models/Sized-q4f32_1-MLC' };
const put = async (body: string) =>
  (await caches.open('webllm/model')).put(
    new URL('tensor-cache.json', resolvedModelUrl(spec.modelUrl)).href,
    new Response(body, { headers: { 'content-type': 'application/json' } }),
  );

afterEach(async () => {
  await caches.delete('webllm/model');
});

it.each([
  [
    'the shard sizes added up',
    JSON.stringify({ records: [{ nbytes: 100 }, { nbytes: 250 }] }),
    350,
  ],
  ['null when a shard has no size', JSON.stringify({ records: [{ nbytes: 100 }, {}] }), null],
  ['null for a manifest that does not parse', '<html>', null],
])('%s', async (_, body, bytes) => {
  await put(body);
  expect(await manifestBytes(spec)).toBe(bytes);
});

it('is null before web-llm has cached the manifest', async () => {
  expect(await manifestBytes(spec)).toBeNull();
});
