// The GGUF catalog: every entry a valid llama.cpp spec whose file is downloadable, with what a user chooses by.
import { describe, expect, it } from 'vitest';
import {
  GGUF_CATALOG,
  findGgufCatalogEntry,
  ggufCatalogSpec,
} from '../../src/lib/engine/gguf-catalog';
import { downloadable } from '../../src/lib/engine/wllama-host';

describe('GGUF catalog', () => {
  it('gives each entry a llama.cpp spec with its one downloadable file', () => {
    for (const e of GGUF_CATALOG) {
      const spec = ggufCatalogSpec(e);
      expect(spec).toMatchObject({
        engine: 'wllama',
        modelId: e.modelId,
        contextWindow: e.contextWindow,
        thinking: e.thinking,
        ggufFiles: [e.url],
      });
      expect(e.url.startsWith(spec.modelUrl)).toBe(true);
      expect(downloadable(e.url)).toBe(true);
      expect(e.url).toMatch(/\/resolve\/main\/[^/]+\.gguf$/);
    }
  });

  it('says size, quantization, context, license and thinking, small to large, ids unique', () => {
    const ids = GGUF_CATALOG.map((e) => e.modelId);
    expect(new Set(ids).size).toBe(ids.length);
    const sizes = GGUF_CATALOG.map((e) => e.approxMB);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    for (const e of GGUF_CATALOG) {
      expect(e.approxMB).toBeGreaterThan(0);
      expect(e.quantization).toMatch(/^Q\d/);
      expect(e.license).not.toBe('');
    }
    expect(GGUF_CATALOG.some((e) => e.thinking)).toBe(true);
    expect(findGgufCatalogEntry(ids[0] ?? '')).toBe(GGUF_CATALOG[0]);
  });

  it('files added from disk are never fetched', () => {
    expect(downloadable('https://local-models.arbiter.invalid/gguf/x/y.gguf')).toBe(false);
    expect(downloadable('blob:https://app/123')).toBe(false);
  });
});
