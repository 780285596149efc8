// Only the worker side may import web-llm's code: anywhere else it would put 6 MB into the main bundle.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../src/lib/engine/', import.meta.url));
const WORKER_SIDE = new Set(['webllm-host.ts', 'webllm.worker.ts']);

describe('web-llm import boundary', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

  it.each(files.filter((f) => !WORKER_SIDE.has(f)))('%s imports web-llm types only', (f) => {
    const src = readFileSync(dir + f, 'utf8');
    const valueImports = [
      ...src.matchAll(/^import\s+(?!type\b)[^;]*from\s+['"]@mlc-ai\/web-llm['"]/gm),
    ];
    expect(valueImports.map((m) => m[0])).toEqual([]);
    expect(src).not.toMatch(/import\(\s*['"]@mlc-ai\/web-llm['"]\s*\)/);
  });

  it('the main-thread engine reaches the worker only through the worker URL', () => {
    const src = readFileSync(dir + 'webllm-engine.ts', 'utf8');
    expect(src).not.toMatch(/from ['"]\.\/webllm-host['"]/);
    expect(src).toContain("new Worker(new URL('./webllm.worker.ts', import.meta.url)");
  });
});
