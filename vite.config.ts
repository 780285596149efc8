// Build, dev server and test configuration for Arbiter (app, unit, browser and end-to-end tests).
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { playwright } from '@vitest/browser-playwright';
import { fileURLToPath } from 'node:url';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { chromiumArgs, chromiumPath } from './tests/support/chromium.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Folders of ../shared/data shipped as one-click sets (src/lib/data/bundled.ts names the files). */
const BUNDLED_FOLDERS = ['llmbar', 'hhh-alignment', 'evalbiasbench', 'pandalm-test', 'prompts'];

/**
 * Serves (dev) and emits (build) ../shared/data/<folder>/* as bundled/<folder>/*, README and
 * notice included. Without ../shared beside the checkout the app builds without bundled sets
 * and says so when one is clicked.
 */
function bundledData(): Plugin {
  const root = here('../shared/data');
  const files = (): { name: string; path: string }[] =>
    existsSync(root)
      ? BUNDLED_FOLDERS.filter((f) => existsSync(join(root, f))).flatMap((f) =>
          readdirSync(join(root, f)).map((n) => ({
            name: `bundled/${f}/${n}`,
            path: join(root, f, n),
          })),
        )
      : [];
  return {
    name: 'arbiter-bundled-data',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
        const hit = files().find((f) => `/${f.name}` === url);
        if (!hit) return next();
        res.setHeader(
          'Content-Type',
          hit.name.endsWith('.csv') ? 'text/csv' : 'text/plain; charset=utf-8',
        );
        res.end(readFileSync(hit.path));
      });
    },
    generateBundle() {
      const all = files();
      if (all.length === 0) this.warn('../shared/data not found: the build has no bundled sets');
      for (const f of all)
        this.emitFile({ type: 'asset', fileName: f.name, source: readFileSync(f.path) });
    },
  };
}

export default defineConfig(({ mode }) => ({
  plugins: [svelte(), bundledData()],
  resolve: {
    alias: {
      // The deterministic engine lives with the tests and is linked in only by the e2e build;
      // every other build gets a module that installs nothing.
      '$test-hooks':
        mode === 'e2e'
          ? here('./tests/e2e/support/test-hooks.ts')
          : here('./src/lib/no-test-hooks.ts'),
    },
  },
  build: {
    outDir: mode === 'e2e' ? 'dist-e2e' : 'dist',
    target: 'es2022',
    sourcemap: mode === 'e2e',
    chunkSizeWarningLimit: 7000,
  },
  worker: { format: 'es' },
  server: { port: 5173 },
  preview: { port: 4173 },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/**/*.browser.test.ts', 'tests/e2e/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/**/*.browser.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: { executablePath: chromiumPath, args: chromiumArgs({ webgpu: true }) },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.e2e.test.ts'],
          globalSetup: ['tests/e2e/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
}));
